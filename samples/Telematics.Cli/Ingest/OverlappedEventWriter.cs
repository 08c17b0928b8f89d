using System.Threading.Channels;
using Telematics.Features.Samples;
using Telematics.Storage.Postgres.Ingest;

namespace Telematics.Cli.Ingest;

/// <summary>
/// Stores chunks on a task of its own while the caller reads and measures the next, so that parsing, the trip pipeline
/// and the database's COPY overlap instead of taking turns. A fixed set of buffers bounds memory and applies
/// back-pressure: when the database is slower, <see cref="EnqueueAsync"/> waits for a buffer to come back.
/// </summary>
/// <remarks>
/// Each chunk is stored by the given function in its own transaction, in the order enqueued, as before. When a store
/// fails, the next <see cref="EnqueueAsync"/> or <see cref="CompleteAsync"/> throws its exception; what was stored
/// before stays stored (counted in <see cref="Stored"/>), and a re-run skips it.
/// </remarks>
internal sealed class OverlappedEventWriter
{
    // One buffer being written, one queued, one being filled: enough to keep both sides busy.
    private const int Buffers = 3;

    private readonly Channel<SampleBuffer> _full = Channel.CreateBounded<SampleBuffer>(Buffers);
    private readonly Channel<SampleBuffer> _free = Channel.CreateBounded<SampleBuffer>(Buffers);
    private readonly Task _writer;
    private long _received;
    private long _stored;

    /// <summary>Starts the writing task.</summary>
    /// <param name="store">Stores one chunk; called on the writing task, one chunk at a time.</param>
    /// <param name="cancellationToken">Stops the writing between chunks.</param>
    public OverlappedEventWriter(Func<SampleBuffer, CancellationToken, Task<IngestResult>> store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        for (var i = 0; i < Buffers; i++)
        {
            _free.Writer.TryWrite(new SampleBuffer(EventStreamIngestor.ChunkSize));
        }

        _writer = Task.Run(() => WriteAsync(store, cancellationToken), CancellationToken.None);
    }

    /// <summary>Events received by the completed stores.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Events new to the database, of the completed stores.</summary>
    public long Stored => Interlocked.Read(ref _stored);

    /// <summary>Copies <paramref name="chunk"/> and queues the copy for storing; the caller may reuse the chunk at once.</summary>
    /// <exception cref="Exception">The exception of a store that failed.</exception>
    public async ValueTask EnqueueAsync(SampleBuffer chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        SampleBuffer buffer;
        try
        {
            buffer = await _free.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // The writer closed the pool because a store failed: its own exception says why.
            await _writer.ConfigureAwait(false);
            throw;
        }

        chunk.CopyTo(buffer);
        await _full.Writer.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores what is queued and ends the writing task.</summary>
    /// <exception cref="Exception">The exception of a store that failed.</exception>
    public Task CompleteAsync()
    {
        _full.Writer.TryComplete();
        return _writer;
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
        catch (Exception e)
        {
            _free.Writer.TryComplete(e);
            throw;
        }
    }
}
