using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Telematics.Features.Samples;

namespace Telematics.Features.Ingest;

/// <summary>
/// Shared framing of line-oriented formats (CSV, NDJSON): splits the pipe's bytes into lines without copying them
/// (a line that straddles two pipe segments is copied once into a reused scratch array), strips a UTF-8 byte order
/// mark and a trailing CR, skips blank lines, and hands each line to the format's parser.
/// </summary>
internal sealed class LineFramer
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private byte[] _scratch = [];
    private bool _startChecked;
    private bool _discardingLongLine;
    private long _lineNumber;

    // Latest time handed out by any read so far, and by reads before the current one (the floor a record must reach
    // under SampleReaderOptions.RejectRecordsBeforeEarlierChunks).
    private long _latestHandedOut = long.MinValue;
    private long _chunkFloor = long.MinValue;

    private readonly SampleReader _owner;
    private readonly ILineParser _parser;
    private readonly string? _singleByteEncoding;
    private TripIdSequence _tripIds;
    private DriverSequence _drivers;

    /// <summary>Creates the framer of a reader.</summary>
    /// <param name="owner">The reader: its input, options and report.</param>
    /// <param name="parser">Parses each line.</param>
    /// <param name="singleByteEncoding">
    /// The name of the input's declared single-byte encoding (a CSV mapping's <c>latin1</c>, <c>windows-1252</c>), or
    /// null for UTF-8; then a UTF-8 byte order mark is refused rather than skipped.
    /// </param>
    public LineFramer(SampleReader owner, ILineParser parser, string? singleByteEncoding = null)
    {
        _owner = owner;
        _parser = parser;
        _singleByteEncoding = singleByteEncoding;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FillAsync(SampleBuffer destination, int limit, CancellationToken cancellationToken)
    {
        _chunkFloor = _latestHandedOut;
        while (!_owner.IsCompleted && destination.Count < limit)
        {
            var result = await _owner.Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (!_startChecked)
            {
                if (buffer.Length < Utf8Bom.Length && !result.IsCompleted)
                {
                    _owner.Input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }

                _startChecked = true;
                if (StartsWithBom(buffer))
                {
                    if (_singleByteEncoding is not null)
                    {
                        Refuse(buffer, $"the file starts with a UTF-8 byte order mark, so it is UTF-8, but the mapping says \"encoding\": \"{_singleByteEncoding}\"; remove \"encoding\" from the mapping");
                    }

                    buffer = buffer.Slice(Utf8Bom.Length);
                }
                else if (Utf16(buffer) is { } utf16)
                {
                    // Every other byte of ASCII text is zero: no field would read, and each line would be reported as bad.
                    Refuse(buffer, $"the file is {utf16} (it starts with that byte order mark), which is not read; save it as UTF-8");
                }
            }

            SequencePosition consumed;
            try
            {
                consumed = ParseBuffered(buffer, result.IsCompleted, destination, limit);
            }
            catch
            {
                _owner.Input.AdvanceTo(buffer.Start, buffer.End);
                _owner.IsCompleted = true;
                throw;
            }

            if (result.IsCompleted && buffer.Slice(consumed).IsEmpty)
            {
                _owner.IsCompleted = true;
                _owner.Input.AdvanceTo(consumed);
            }
            else if (destination.Count >= limit)
            {
                // Stopped for space, not for lack of input: leave the rest unexamined so the next read returns it at once.
                _owner.Input.AdvanceTo(consumed, consumed);
            }
            else
            {
                _owner.Input.AdvanceTo(consumed, buffer.End);
            }
        }
    }

    public void ReleaseBuffers()
    {
        if (_scratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = [];
        }
    }

    // Input that cannot be read at all: thrown whatever the bad-record handling, as a failed read leaves the pipe.
    private void Refuse(in ReadOnlySequence<byte> buffer, string reason)
    {
        _owner.Input.AdvanceTo(buffer.Start, buffer.End);
        _owner.IsCompleted = true;
        throw new TelematicsFormatException(1, null, reason, string.Empty);
    }

    private static string? Utf16(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < 2)
        {
            return null;
        }

        Span<byte> head = stackalloc byte[2];
        buffer.Slice(0, 2).CopyTo(head);
        return head switch
        {
            [0xFF, 0xFE] => "UTF-16 little-endian",
            [0xFE, 0xFF] => "UTF-16 big-endian",
            _ => null,
        };
    }

    private static bool StartsWithBom(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < Utf8Bom.Length)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[3];
        buffer.Slice(0, 3).CopyTo(head);
        return head.SequenceEqual(Utf8Bom);
    }

    private SequencePosition ParseBuffered(in ReadOnlySequence<byte> buffer, bool isCompleted, SampleBuffer destination, int limit)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (destination.Count < limit && !reader.End)
        {
            if (_discardingLongLine)
            {
                if (!reader.TryAdvanceTo((byte)'\n'))
                {
                    reader.AdvanceToEnd();
                    break;
                }

                _discardingLongLine = false;
                continue;
            }

            ReadOnlySpan<byte> line;
            var unread = reader.UnreadSpan;
            var newline = unread.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                // Every whole line in this segment, without a round trip through the sequence reader per line.
                reader.Advance(ParseSegment(unread, newline, destination, limit));
                continue;
            }

            if (reader.TryReadTo(out ReadOnlySequence<byte> straddling, (byte)'\n'))
            {
                line = Gather(straddling);
            }
            else if (isCompleted)
            {
                // Last line without a line break: still a record.
                line = Gather(reader.UnreadSequence);
                reader.AdvanceToEnd();
            }
            else
            {
                if (reader.Remaining > _owner.Options.MaxRecordBytes)
                {
                    _lineNumber++;
                    _owner.Reject(_lineNumber, null, $"the line is longer than {_owner.Options.MaxRecordBytes} bytes", reader.UnreadSpan);
                    _discardingLongLine = true;
                    reader.AdvanceToEnd();
                }

                break;
            }

            ParseLine(line, destination);
        }

        return reader.Position;
    }

    /// <summary>Parses the lines of one segment up to its last line break or the limit; returns the bytes consumed.</summary>
    /// <param name="segment">Unread bytes of the current pipe segment.</param>
    /// <param name="newline">Index of the first line break in <paramref name="segment"/>.</param>
    /// <param name="destination">Buffer the samples go to.</param>
    /// <param name="limit">Stop once <paramref name="destination"/> holds this many samples.</param>
    private int ParseSegment(ReadOnlySpan<byte> segment, int newline, SampleBuffer destination, int limit)
    {
        var used = 0;
        do
        {
            ParseLine(segment.Slice(used, newline), destination);
            used += newline + 1;
            newline = segment[used..].IndexOf((byte)'\n');
        }
        while (newline >= 0 && destination.Count < limit);

        return used;
    }

    /// <summary>Counts, checks and parses one line (without its LF), adding its sample or reporting it as bad.</summary>
    private void ParseLine(ReadOnlySpan<byte> line, SampleBuffer destination)
    {
        _lineNumber++;
        if (line.Length > _owner.Options.MaxRecordBytes)
        {
            _owner.Reject(_lineNumber, null, $"the line is longer than {_owner.Options.MaxRecordBytes} bytes", line);
            return;
        }

        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (line.IsEmpty)
        {
            return;
        }

        var error = default(RecordError);
        switch (_parser.ParseLine(line, _lineNumber, out var sample, ref error))
        {
            case LineOutcome.Sample when _owner.Limits.Check(ref sample, ref error):
                if (sample.TimestampUnixMs < _chunkFloor && _owner.Options.RejectRecordsBeforeEarlierChunks)
                {
                    // Cleaning sorts within a chunk only: this record would be dropped as late with nothing to name it.
                    _owner.Reject(_lineNumber, _parser.FieldName("timestamp"), SampleReaderOptions.NotInTimeOrder, line);
                    break;
                }

                if (!_drivers.Accept(error.DriverKey))
                {
                    _owner.Reject(_lineNumber, _parser.FieldName("driver_id"), DriverSequence.OtherDriver, line);
                    break;
                }

                _latestHandedOut = Math.Max(_latestHandedOut, sample.TimestampUnixMs);
                _tripIds.Accept(ref sample, error.TripKey);
                destination.Add(in sample);
                _owner.Report.Accepted();
                if (error.WarningField is not null)
                {
                    // Only now: a record refused by the checks above is listed as bad, not also as a warning.
                    _parser.Warn(line, _lineNumber, error.WarningField);
                }

                break;
            case LineOutcome.Sample:
                _owner.Reject(_lineNumber, error.Field is null ? null : _parser.FieldName(error.Field), error.Reason, line);
                break;
            case LineOutcome.Error:
                _owner.Reject(_lineNumber, error.Field, error.Reason, line);
                break;
        }
    }

    private ReadOnlySpan<byte> Gather(ReadOnlySequence<byte> sequence)
    {
        if (sequence.IsSingleSegment)
        {
            return sequence.FirstSpan;
        }

        var length = (int)Math.Min(sequence.Length, _owner.Options.MaxRecordBytes + 1L);
        if (_scratch.Length < length)
        {
            ReleaseBuffers();
            _scratch = ArrayPool<byte>.Shared.Rent(length);
        }

        sequence.Slice(0, length).CopyTo(_scratch);
        return _scratch.AsSpan(0, length);
    }
}

/// <summary>A line-oriented format's parser of one record.</summary>
internal interface ILineParser
{
    /// <summary>Parses one non-blank line without its line break.</summary>
    /// <returns><see cref="LineOutcome.Sample"/> with <paramref name="sample"/> set, or why not.</returns>
    LineOutcome ParseLine(ReadOnlySpan<byte> line, long lineNumber, out TelematicsSample sample, ref RecordError error);

    /// <summary>The format's name of a sample field given by its canonical name (e.g. <c>speed_mps</c>), for errors found after parsing.</summary>
    string FieldName(string canonical) => canonical;

    /// <summary>Lists the value of <paramref name="field"/> an accepted record was read with as missing (<see cref="RecordError.Warn"/>).</summary>
    void Warn(ReadOnlySpan<byte> line, long lineNumber, string field)
    {
    }
}

/// <summary>What a line turned into.</summary>
internal enum LineOutcome
{
    /// <summary>A valid sample.</summary>
    Sample,

    /// <summary>Nothing to emit, nothing wrong (a header line).</summary>
    Skip,

    /// <summary>A bad record; the error says why.</summary>
    Error,
}
