using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Telematics.Features.Samples;

namespace Telematics.Features.Ingest;

/// <summary>
/// Streams one driver's samples out of a <see cref="PipeReader"/> in chunks, parsing the input bytes in place; the
/// base of the CSV, NDJSON and binary readers.
/// </summary>
/// <remarks>
/// <para>
/// Call <see cref="ReadAsync"/> until <see cref="ReadChunkResult.IsCompleted"/>: each call clears the caller's
/// <see cref="SampleBuffer"/> and fills it with up to <see cref="SampleBuffer.Capacity"/> samples, so a buffer can be
/// reused for the whole input and only one chunk of input is ever held in memory. Samples come out in input order;
/// out-of-order and duplicate timestamps are passed through (cleaning is a later step).
/// </para>
/// <para>
/// Bad records throw <see cref="TelematicsFormatException"/> or are skipped and described in <see cref="Report"/>, as
/// <see cref="SampleReaderOptions.BadRecords"/> says. A record that parses but lies outside
/// <see cref="SampleReaderOptions.Plausibility"/> (event time out of the window, negative or excessive speed, …) is bad
/// too, named by the field at fault, in every format alike. A reader is not thread-safe: one read at a time.
/// </para>
/// </remarks>
public abstract class SampleReader : IAsyncDisposable
{
    private readonly bool _leaveOpen;
    private bool _disposed;

    private protected SampleReader(PipeReader input, SampleReaderOptions? options, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(input);
        Options = options ?? SampleReaderOptions.Default;
        Options.Validate();
        Input = input;
        _leaveOpen = leaveOpen;
        Report = new IngestReport(Options.MaxReportedErrors);
        Limits = new PlausibleLimits(Options.Plausibility, Options.TimeProvider);
    }

    /// <summary>Records accepted and skipped so far.</summary>
    public IngestReport Report { get; }

    internal PipeReader Input { get; }

    internal SampleReaderOptions Options { get; }

    /// <summary>The plausibility bounds, resolved when the reader was made.</summary>
    internal PlausibleLimits Limits { get; }

    internal bool IsCompleted { get; set; }

    /// <summary>How the input's text is decoded where it is shown (excerpts of bad records); UTF-8 unless a CSV mapping says otherwise.</summary>
    internal System.Text.Encoding TextEncoding { get; private protected set; } = System.Text.Encoding.UTF8;

    /// <summary>Clears <paramref name="destination"/> and fills it with the next samples, at most its capacity.</summary>
    /// <param name="destination">Caller-owned buffer; its capacity is the chunk size and it is never grown.</param>
    /// <param name="cancellationToken">Cancels the wait for more input.</param>
    /// <returns>How many samples were read, and whether the input is exhausted.</returns>
    /// <exception cref="TelematicsFormatException">A bad record in <see cref="BadRecordHandling.Reject"/> mode, or input that cannot be read at all.</exception>
    /// <exception cref="ObjectDisposedException">The reader was disposed.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReadChunkResult> ReadAsync(SampleBuffer destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ObjectDisposedException.ThrowIf(_disposed, this);
        destination.Clear();
        if (!IsCompleted)
        {
            await FillAsync(destination, destination.Capacity, cancellationToken).ConfigureAwait(false);
        }

        return new ReadChunkResult(destination.Count, IsCompleted);
    }

    /// <summary>Appends every remaining sample to <paramref name="destination"/>, growing it as needed.</summary>
    /// <param name="destination">Buffer to append to; samples already in it are kept.</param>
    /// <param name="cancellationToken">Cancels the wait for more input.</param>
    /// <returns>Number of samples appended.</returns>
    /// <exception cref="TelematicsFormatException">A bad record in <see cref="BadRecordHandling.Reject"/> mode, or input that cannot be read at all.</exception>
    /// <exception cref="ObjectDisposedException">The reader was disposed.</exception>
    public async ValueTask<int> ReadToEndAsync(SampleBuffer destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var before = destination.Count;
        while (!IsCompleted)
        {
            await FillAsync(destination, int.MaxValue, cancellationToken).ConfigureAwait(false);
        }

        return destination.Count - before;
    }

    /// <summary>Completes the underlying <see cref="PipeReader"/> unless the reader was created to leave it open.</summary>
    /// <returns>A task that completes when the input is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ReleaseBuffers();
        if (!_leaveOpen)
        {
            await Input.CompleteAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Reads input and appends samples to <paramref name="destination"/> until it holds <paramref name="limit"/> samples or the input ends.</summary>
    private protected abstract ValueTask FillAsync(SampleBuffer destination, int limit, CancellationToken cancellationToken);

    /// <summary>Returns pooled scratch memory; called once on dispose.</summary>
    private protected virtual void ReleaseBuffers()
    {
    }

    /// <summary>Throws or records a bad record, as the options say.</summary>
    internal void Reject(long record, string? field, string reason, ReadOnlySpan<byte> raw)
    {
        if (Options.BadRecords == BadRecordHandling.Reject)
        {
            throw TelematicsFormatException.For(record, field, reason, raw, TextEncoding);
        }

        Report.Rejected(record, field, reason, raw, TextEncoding);
    }

    private protected static PipeReader OpenStream(Stream stream, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(stream);

        // 64 KiB segments: large enough that few records straddle two segments, small enough to stay in L2.
        return PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: leaveOpen));
    }

    private protected static FileStream OpenFileStream(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        // bufferSize 1 turns FileStream buffering off: the pipe already buffers.
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
    }
}
