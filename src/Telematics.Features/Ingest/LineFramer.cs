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

    private readonly SampleReader _owner;
    private readonly ILineParser _parser;

    public LineFramer(SampleReader owner, ILineParser parser)
    {
        _owner = owner;
        _parser = parser;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FillAsync(SampleBuffer destination, int limit, CancellationToken cancellationToken)
    {
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
                    buffer = buffer.Slice(Utf8Bom.Length);
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
                line = unread[..newline];
                reader.Advance(newline + 1);
            }
            else if (reader.TryReadTo(out ReadOnlySequence<byte> straddling, (byte)'\n'))
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

            _lineNumber++;
            if (line.Length > _owner.Options.MaxRecordBytes)
            {
                _owner.Reject(_lineNumber, null, $"the line is longer than {_owner.Options.MaxRecordBytes} bytes", line);
                continue;
            }

            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                continue;
            }

            var error = default(RecordError);
            switch (_parser.ParseLine(line, _lineNumber, out var sample, ref error))
            {
                case LineOutcome.Sample:
                    destination.Add(in sample);
                    _owner.Report.Accepted();
                    break;
                case LineOutcome.Error:
                    _owner.Reject(_lineNumber, error.Field, error.Reason, line);
                    break;
            }
        }

        return reader.Position;
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
