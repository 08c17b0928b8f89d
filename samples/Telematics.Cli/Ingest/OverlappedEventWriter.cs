using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Telematics.Features.Samples;
using Telematics.Storage.Postgres.Ingest;

namespace Telematics.Cli.Ingest;

/// <summary>
/// Stores chunks on tasks of their own while the caller reads and measures the next, so that parsing, the trip pipeline
/// and the database's COPY overlap instead of taking turns. Chunks are gathered into batches of up to
/// <see cref="BatchRows"/> events, each stored in its own transaction; <c>writers</c> batches are stored at once, each on
/// its own connection, so that the database uses more than one core. A fixed set of buffers bounds memory and applies
/// back-pressure: when the database is slower, <see cref="EnqueueAsync"/> waits for a buffer to come back.
/// </summary>
/// <remarks>
/// Every batch is an idempotent <c>EventIngestor</c> batch, so batches may commit in any order. When a store fails, the
/// other writers stop after their current batch and the next <see cref="EnqueueAsync"/> or <see cref="CompleteAsync"/>
/// throws the failure; what was stored before stays stored (counted in <see cref="Stored"/>), and a re-run skips it.
/// </remarks>
internal sealed class OverlappedEventWriter
{
    /// <summary>Events per transaction: large enough that a commit's fixed cost (about 15 ms here) is small beside its COPY.</summary>
    public const int BatchRows = 65_536;

    private readonly Channel<SampleBuffer> _full;
    private readonly Channel<SampleBuffer> _free;
    private readonly CancellationTokenSource _stop;
    private readonly Task[] _writers;
    private SampleBuffer? _filling;
    private Exception? _failure;
    private long _received;
    private long _stored;

    /// <summary>Starts the writing tasks.</summary>
    /// <param name="store">Stores one batch; called on the writing tasks, by up to <paramref name="writers"/> at once.</param>
    /// <param name="writers">Batches stored at once, 1 to 8.</param>
    /// <param name="cancellationToken">Stops the writing between batches.</param>
    public OverlappedEventWriter(Func<SampleBuffer, CancellationToken, Task<IngestResult>> store, int writers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(writers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(writers, 8);

        // One batch per writer in flight, one queued for each, one being filled.
        var buffers = (2 * writers) + 1;
        _full = Channel.CreateBounded<SampleBuffer>(buffers);
        _free = Channel.CreateBounded<SampleBuffer>(buffers);
        for (var i = 0; i < buffers; i++)
        {
            _free.Writer.TryWrite(new SampleBuffer(BatchRows));
        }

        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _writers = new Task[writers];
        for (var i = 0; i < writers; i++)
        {
            _writers[i] = Task.Run(() => WriteAsync(store, _stop.Token), CancellationToken.None);
        }
    }

    /// <summary>Events received by the completed stores.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Events new to the database, of the completed stores.</summary>
    public long Stored => Interlocked.Read(ref _stored);

    /// <summary>Copies <paramref name="chunk"/> into the batch being filled; the caller may reuse the chunk at once.</summary>
    /// <exception cref="Exception">The exception of a store that failed.</exception>
    public async ValueTask EnqueueAsync(SampleBuffer chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (_filling is { } filling && filling.Count + chunk.Count > BatchRows)
        {
            _filling = null;
            await _full.Writer.WriteAsync(filling, cancellationToken).ConfigureAwait(false);
        }

        if (_filling is null)
        {
            try
            {
                _filling = await _free.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                // A writer closed the pool because a store failed: that failure says why.
                ExceptionDispatchInfo.Throw(_failure!);
            }

            _filling.Clear();
        }

        _filling.AddRange(chunk);
    }

    /// <summary>Stores what is left and ends the writing tasks.</summary>
    /// <exception cref="Exception">The exception of a store that failed.</exception>
    public async Task CompleteAsync()
    {
        if (_filling is { Count: > 0 } last && _failure is null)
        {
            _filling = null;
            await _full.Writer.WriteAsync(last).ConfigureAwait(false);
        }

        _full.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_writers).ConfigureAwait(false);
        }
        catch (Exception) when (_failure is not null)
        {
            // The writers stopped by the failure end cancelled; the failure itself is what the caller needs.
        }

        _stop.Dispose();
        if (_failure is not null)
        {
            ExceptionDispatchInfo.Throw(_failure);
        }
    }

    private async Task WriteAsync(Func<SampleBuffer, CancellationToken, Task<IngestResult>> store, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var buffer in _full.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var result = await store(buffer, cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _received, result.Received);
                Interlocked.Add(ref _stored, result.Stored);
                _free.Writer.TryWrite(buffer);
            }
        }
        catch (Exception e) when (Interlocked.CompareExchange(ref _failure, e, null) is null)
        {
            // The first failure: stop the other writers and the reader's wait for a buffer.
            _free.Writer.TryComplete(e);
            await _stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }
}
