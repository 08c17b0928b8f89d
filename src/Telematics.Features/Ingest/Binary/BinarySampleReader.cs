using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Telematics.Features.Samples;

namespace Telematics.Features.Ingest.Binary;

/// <summary>Reads samples written in the SDK's binary format (<see cref="BinaryFormat"/>), one checked block at a time.</summary>
/// <remarks>
/// <para>
/// Damage to the framing — a wrong magic or version, an unknown column set, a block count out of range, a CRC
/// mismatch, a missing end block or bytes after it, and empty input — always throws
/// <see cref="TelematicsFormatException"/> (with the one-based index of the record the damaged block would start
/// with), whatever <see cref="SampleReaderOptions.BadRecords"/> says, because nothing after it can be trusted.
/// Records in an intact block whose latitude or longitude is not finite or out of range, or whose road class or
/// flags are unknown, are bad records and follow <see cref="SampleReaderOptions.BadRecords"/>. So, under
/// <see cref="SampleReaderOptions.RejectRecordsBeforeEarlierChunks"/>, is a record earlier than a record an earlier read
/// handed out, named by its one-based index and the field <c>timestamp</c>, as in CSV and NDJSON.
/// </para>
/// <para>Values come out bit for bit as written, NaN payloads included. See <see cref="SampleReader"/> for the read loop.</para>
/// </remarks>
public sealed class BinarySampleReader : SampleReader
{
    private readonly Crc32 _crc = new();
    private byte[] _block = [];
    private ushort _columns;
    private bool _headerRead;
    private bool _endSeen;
    private int _blockCount;
    private int _nextInBlock;
    private long _recordsBefore;

    // Latest time handed out by any read so far, and by reads before the current one (the floor a record must reach
    // under SampleReaderOptions.RejectRecordsBeforeEarlierChunks).
    private long _latestHandedOut = long.MinValue;
    private long _chunkFloor = long.MinValue;

    private BinarySampleReader(PipeReader input, SampleReaderOptions? options, bool leaveOpen)
        : base(input, options, leaveOpen)
    {
    }

    /// <summary>Creates a reader over a pipe.</summary>
    /// <param name="input">The binary-format bytes.</param>
    /// <param name="options">Bad-record handling; <see langword="null"/> for the defaults.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="input"/> uncompleted.</param>
    /// <returns>The reader; dispose it when done.</returns>
    public static BinarySampleReader Create(PipeReader input, SampleReaderOptions? options = null, bool leaveOpen = false) =>
        new(input, options, leaveOpen);

    /// <summary>Creates a reader over a stream.</summary>
    /// <param name="stream">The binary-format bytes.</param>
    /// <param name="options">Bad-record handling; <see langword="null"/> for the defaults.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="stream"/> open.</param>
    /// <returns>The reader; dispose it when done.</returns>
    public static BinarySampleReader FromStream(Stream stream, SampleReaderOptions? options = null, bool leaveOpen = false) =>
        new(OpenStream(stream, leaveOpen), options, leaveOpen: false);

    /// <summary>Opens a binary-format file for reading.</summary>
    /// <param name="path">Path of the file.</param>
    /// <param name="options">Bad-record handling; <see langword="null"/> for the defaults.</param>
    /// <returns>The reader; disposing it closes the file.</returns>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static BinarySampleReader OpenFile(string path, SampleReaderOptions? options = null) =>
        FromStream(OpenFileStream(path), options, leaveOpen: false);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private protected override async ValueTask FillAsync(SampleBuffer destination, int limit, CancellationToken cancellationToken)
    {
        _chunkFloor = _latestHandedOut;
        while (!IsCompleted && destination.Count < limit)
        {
            if (_nextInBlock < _blockCount)
            {
                Decode(destination, limit);
                continue;
            }

            var result = await Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            SequencePosition consumed;
            try
            {
                consumed = Frame(buffer, result.IsCompleted);
            }
            catch
            {
                Input.AdvanceTo(buffer.Start, buffer.End);
                IsCompleted = true;
                throw;
            }

            if (_endSeen && result.IsCompleted)
            {
                IsCompleted = true;
            }

            Input.AdvanceTo(consumed, _nextInBlock < _blockCount || _endSeen ? consumed : buffer.End);
        }
    }

    private protected override void ReleaseBuffers()
    {
        if (_block.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_block);
            _block = [];
        }
    }

    /// <summary>Takes the header and one whole block (into the block buffer) when the pipe holds them.</summary>
    private SequencePosition Frame(ReadOnlySequence<byte> buffer, bool isCompleted)
    {
        var start = buffer.Start;
        if (_endSeen)
        {
            return buffer.IsEmpty ? start : throw Damaged("bytes follow the end block");
        }

        if (!_headerRead)
        {
            if (buffer.Length < BinaryFormat.HeaderLength)
            {
                return isCompleted ? throw Damaged(buffer.IsEmpty ? "the input is empty: no header" : "the header is truncated") : start;
            }

            Span<byte> header = stackalloc byte[BinaryFormat.HeaderLength];
            buffer.Slice(0, BinaryFormat.HeaderLength).CopyTo(header);
            ReadHeader(header);
            buffer = buffer.Slice(BinaryFormat.HeaderLength);
            start = buffer.Start;
        }

        if (buffer.Length < 4)
        {
            return isCompleted ? throw Damaged("the input ends without an end block") : start;
        }

        Span<byte> countBytes = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(countBytes);
        var count = BinaryPrimitives.ReadUInt32LittleEndian(countBytes);
        if (count == 0)
        {
            _endSeen = true;
            buffer = buffer.Slice(4);
            return buffer.IsEmpty ? buffer.Start : throw Damaged("bytes follow the end block");
        }

        if (count > BinaryFormat.MaxBlockRecords)
        {
            throw Damaged($"a block claims {count} records, more than the limit of {BinaryFormat.MaxBlockRecords}");
        }

        var length = 4 + ((int)count * BinaryFormat.RecordWidth(_columns)) + 4;
        if (buffer.Length < length)
        {
            return isCompleted ? throw Damaged("the input ends inside a block") : start;
        }

        if (_block.Length < length)
        {
            ReleaseBuffers();
            _block = ArrayPool<byte>.Shared.Rent(length);
        }

        var block = _block.AsSpan(0, length);
        buffer.Slice(0, length).CopyTo(block);
        _crc.Reset();
        _crc.Append(block[..^4]);
        if (_crc.GetCurrentHashAsUInt32() != BinaryPrimitives.ReadUInt32LittleEndian(block[^4..]))
        {
            throw Damaged("the block's CRC-32 does not match its contents");
        }

        _blockCount = (int)count;
        _nextInBlock = 0;
        return buffer.GetPosition(length);
    }

    private void ReadHeader(ReadOnlySpan<byte> header)
    {
        if (!header[..4].SequenceEqual(BinaryFormat.Magic))
        {
            throw Damaged("the input does not start with the magic bytes 'TLMS'");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        if (version != BinaryFormat.Version)
        {
            throw Damaged($"format version {version} is not supported (this reader reads version {BinaryFormat.Version})");
        }

        var columns = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
        if ((columns & BinaryFormat.RequiredColumns) != BinaryFormat.RequiredColumns || (columns & ~BinaryFormat.AllColumns) != 0)
        {
            throw Damaged($"column set 0x{columns:X4} is not valid: bits 0-2 are required and bits 12-15 must be clear");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != 0)
        {
            throw Damaged("the reserved header bytes are not zero");
        }

        _columns = columns;
        _headerRead = true;
    }

    private void Decode(SampleBuffer destination, int limit)
    {
        var n = _blockCount;
        var data = _block.AsSpan(4, n * BinaryFormat.RecordWidth(_columns));
        Span<int> offsets = stackalloc int[BinaryFormat.ColumnCount];
        var at = 0;
        for (var c = 0; c < BinaryFormat.ColumnCount; c++)
        {
            offsets[c] = (_columns & (1 << c)) != 0 ? at : -1;
            at += offsets[c] >= 0 ? BinaryFormat.ColumnWidths[c] * n : 0;
        }

        // Cleaning sorts within a chunk only: a record behind an earlier read would be dropped as late with nothing to
        // name it, so under the option it is refused like a time outside the window.
        var rejectLate = Options.RejectRecordsBeforeEarlierChunks;
        var earliestMs = rejectLate ? Math.Max(Limits.EarliestMs, _chunkFloor) : Limits.EarliestMs;
        while (_nextInBlock < n && destination.Count < limit)
        {
            var first = _nextInBlock;
            var count = Math.Min(n - first, limit - destination.Count);

            // The common case: a run of valid records, copied column by column; the first bad one is decoded alone.
            var good = BitConverter.IsLittleEndian ? BinaryColumns.CountValid(data, offsets, first, count, earliestMs, Limits) : 0;
            if (good > 0)
            {
                var appended = destination.Count;
                BinaryColumns.Copy(data, offsets, first, good, destination, Limits);
                if (rejectLate)
                {
                    _latestHandedOut = Math.Max(_latestHandedOut, Latest(destination.TimestampUnixMs.Slice(appended, good)));
                }

                Report.AddAccepted(good);
                _nextInBlock += good;
                continue;
            }

            var i = _nextInBlock++;
            var sample = ReadSample(data, offsets, i);
            if (Validate(sample) is { } problem)
            {
                Reject(_recordsBefore + i + 1, problem.Field, problem.Reason, []);
                continue;
            }

            var error = default(RecordError);
            if (!Limits.Check(ref sample, ref error))
            {
                Reject(_recordsBefore + i + 1, error.Field, error.Reason, []);
                continue;
            }

            if (rejectLate && sample.TimestampUnixMs < _chunkFloor)
            {
                Reject(_recordsBefore + i + 1, "timestamp", SampleReaderOptions.NotInTimeOrder, []);
                continue;
            }

            _latestHandedOut = Math.Max(_latestHandedOut, sample.TimestampUnixMs);
            destination.Add(in sample);
            Report.Accepted();
        }

        if (_nextInBlock == n)
        {
            _recordsBefore += n;
        }
    }

    private static TelematicsSample ReadSample(ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets, int i)
    {
        var latitude = BinaryPrimitives.ReadDoubleLittleEndian(data[(offsets[1] + (i * 8))..]);
        var longitude = BinaryPrimitives.ReadDoubleLittleEndian(data[(offsets[2] + (i * 8))..]);
        return new TelematicsSample(BinaryPrimitives.ReadInt64LittleEndian(data[(offsets[0] + (i * 8))..]), latitude, longitude)
        {
            SpeedMps = Single(data, offsets[3], i),
            HeadingDeg = Single(data, offsets[4], i),
            LongitudinalAccelMps2 = Single(data, offsets[5], i),
            LateralAccelMps2 = Single(data, offsets[6], i),
            GpsAccuracyM = Single(data, offsets[7], i),
            SpeedLimitMps = Single(data, offsets[8], i),
            RoadClass = offsets[9] < 0 ? RoadClass.Unknown : (RoadClass)data[offsets[9] + i],
            Flags = offsets[10] < 0 ? SampleFlags.PhoneUnknown : (SampleFlags)data[offsets[10] + i],
            EventId = offsets[11] < 0 ? 0 : BinaryPrimitives.ReadInt64LittleEndian(data[(offsets[11] + (i * 8))..]),
        };
    }

    private static long Latest(ReadOnlySpan<long> times)
    {
        var latest = long.MinValue;
        foreach (var t in times)
        {
            latest = Math.Max(latest, t);
        }

        return latest;
    }

    private static float Single(ReadOnlySpan<byte> data, int offset, int i) =>
        offset < 0 ? float.NaN : BinaryPrimitives.ReadSingleLittleEndian(data[(offset + (i * 4))..]);

    private static (string Field, string Reason)? Validate(in TelematicsSample sample)
    {
        if (!double.IsFinite(sample.LatitudeDeg) || Math.Abs(sample.LatitudeDeg) > 90)
        {
            return ("lat", "not a finite latitude within ±90 degrees");
        }

        if (!double.IsFinite(sample.LongitudeDeg) || Math.Abs(sample.LongitudeDeg) > 180)
        {
            return ("lon", "not a finite longitude within ±180 degrees");
        }

        if (sample.RoadClass > RoadClass.Service)
        {
            return ("road_class", "not a road class number 0-7");
        }

        if ((byte)sample.Flags >= BinaryFormat.FlagsBelow)
        {
            return ("flags", "unknown flag bits");
        }

        return null;
    }

    private TelematicsFormatException Damaged(string reason) => new(_recordsBefore + 1, null, reason, string.Empty);
}
