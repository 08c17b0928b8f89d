using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using Telematics.Features.Samples;

namespace Telematics.Features.Ingest.Binary;

/// <summary>Writes samples in the SDK's binary format (<see cref="BinaryFormat"/>), every column, block by block.</summary>
/// <remarks>
/// Write with <see cref="WriteAsync"/> as often as needed, then <see cref="CompleteAsync"/> to write the end block;
/// output without the end block reads as truncated. Values are written bit for bit, unvalidated: a reader rejects
/// records whose position is not finite and in range. Not thread-safe.
/// </remarks>
public sealed class BinarySampleWriter : IAsyncDisposable
{
    private readonly PipeWriter _output;
    private readonly bool _leaveOpen;
    private readonly int _blockRecords;
    private readonly Crc32 _crc = new();
    private bool _headerWritten;
    private bool _completed;

    private BinarySampleWriter(PipeWriter output, int blockRecords, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRecords, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockRecords, BinaryFormat.MaxBlockRecords);
        _output = output;
        _blockRecords = blockRecords;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Creates a writer onto a pipe.</summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="blockRecords">Records per block, 1 to <see cref="BinaryFormat.MaxBlockRecords"/>.</param>
    /// <param name="leaveOpen">Whether disposing the writer leaves <paramref name="output"/> uncompleted.</param>
    /// <returns>The writer.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="blockRecords"/> is out of range.</exception>
    public static BinarySampleWriter Create(PipeWriter output, int blockRecords = BinaryFormat.DefaultBlockRecords, bool leaveOpen = false) =>
        new(output, blockRecords, leaveOpen);

    /// <summary>Creates a writer onto a stream.</summary>
    /// <param name="stream">Where the bytes go.</param>
    /// <param name="blockRecords">Records per block, 1 to <see cref="BinaryFormat.MaxBlockRecords"/>.</param>
    /// <param name="leaveOpen">Whether disposing the writer leaves <paramref name="stream"/> open.</param>
    /// <returns>The writer.</returns>
    public static BinarySampleWriter FromStream(Stream stream, int blockRecords = BinaryFormat.DefaultBlockRecords, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new(PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: leaveOpen)), blockRecords, leaveOpen: false);
    }

    /// <summary>Writes every sample of <paramref name="samples"/> and flushes.</summary>
    /// <param name="samples">The samples; the buffer is only read.</param>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the bytes are flushed.</returns>
    /// <exception cref="InvalidOperationException">The writer was completed.</exception>
    public async ValueTask WriteAsync(SampleBuffer samples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ObjectDisposedException.ThrowIf(_completed, this);
        EnsureHeader();
        for (var start = 0; start < samples.Count; start += _blockRecords)
        {
            WriteBlock(samples, start, Math.Min(_blockRecords, samples.Count - start));
            var flush = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted)
            {
                throw new InvalidOperationException("The reader of the output stopped reading.");
            }
        }
    }

    /// <summary>Writes the end block and flushes; further writes throw.</summary>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the bytes are flushed.</returns>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_completed)
        {
            return;
        }

        EnsureHeader();
        BinaryPrimitives.WriteUInt32LittleEndian(_output.GetSpan(4), 0);
        _output.Advance(4);
        _completed = true;
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes the output pipe unless created to leave it open. Does not write the end block.</summary>
    /// <returns>A task that completes when the output is released.</returns>
    public async ValueTask DisposeAsync()
    {
        _completed = true;
        if (!_leaveOpen)
        {
            await _output.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void EnsureHeader()
    {
        if (_headerWritten)
        {
            return;
        }

        BinaryFormat.WriteHeader(_output.GetSpan(BinaryFormat.HeaderLength), BinaryFormat.AllColumns);
        _output.Advance(BinaryFormat.HeaderLength);
        _headerWritten = true;
    }

    private void WriteBlock(SampleBuffer samples, int start, int count)
    {
        var length = 4 + (count * BinaryFormat.RecordWidth(BinaryFormat.AllColumns)) + 4;
        var block = _output.GetSpan(length)[..length];
        BinaryPrimitives.WriteUInt32LittleEndian(block, (uint)count);
        var at = 4;
        at += Column(samples.TimestampUnixMs.Slice(start, count), block[at..]);
        at += Column(samples.LatitudeDeg.Slice(start, count), block[at..]);
        at += Column(samples.LongitudeDeg.Slice(start, count), block[at..]);
        at += Column(samples.SpeedMps.Slice(start, count), block[at..]);
        at += Column(samples.HeadingDeg.Slice(start, count), block[at..]);
        at += Column(samples.LongitudinalAccelMps2.Slice(start, count), block[at..]);
        at += Column(samples.LateralAccelMps2.Slice(start, count), block[at..]);
        at += Column(samples.GpsAccuracyM.Slice(start, count), block[at..]);
        at += Column(samples.SpeedLimitMps.Slice(start, count), block[at..]);
        at += Column(samples.RoadClass.Slice(start, count), block[at..]);
        at += Column(samples.Flags.Slice(start, count), block[at..]);
        at += Column(samples.EventId.Slice(start, count), block[at..]);
        _crc.Reset();
        _crc.Append(block[..at]);
        BinaryPrimitives.WriteUInt32LittleEndian(block[at..], _crc.GetCurrentHashAsUInt32());
        _output.Advance(length);
    }

    private static int Column<T>(ReadOnlySpan<T> values, Span<byte> destination)
        where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values);
        bytes.CopyTo(destination);
        if (!BitConverter.IsLittleEndian)
        {
            ReverseEach(destination[..bytes.Length], bytes.Length / Math.Max(1, values.Length));
        }

        return bytes.Length;
    }

    private static void ReverseEach(Span<byte> bytes, int width)
    {
        for (var i = 0; i + width <= bytes.Length; i += width)
        {
            bytes.Slice(i, width).Reverse();
        }
    }
}
