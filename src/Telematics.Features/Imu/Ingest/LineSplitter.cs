using System.Buffers;
using System.IO.Pipelines;

namespace Telematics.Features.Imu.Ingest;

/// <summary>A consumer of the lines of a text stream, without their line break.</summary>
internal interface ILineSink
{
    /// <summary>Takes one line (CR stripped, possibly empty) numbered from 1.</summary>
    /// <param name="line">The line's bytes.</param>
    /// <param name="lineNumber">Its number, from 1.</param>
    /// <param name="unterminated">The stream ended inside it (no line break after it): a writer stopped while writing it.</param>
    void Line(ReadOnlySpan<byte> line, long lineNumber, bool unterminated);
}

/// <summary>
/// Splits a pipe into lines in place: whole lines within a segment are handed over without copying; a line that straddles
/// two segments is copied once into a pooled scratch array. A UTF-8 byte order mark at the start is skipped. Lines end
/// with LF or CRLF, or with CR alone when the first line break is a CR not followed by LF (classic Mac OS, some
/// spreadsheet exports).
/// </summary>
internal static class LineSplitter
{
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    public static async ValueTask RunAsync<TSink>(PipeReader input, TSink sink, int maxLineBytes, string source, CancellationToken cancellationToken)
        where TSink : class, ILineSink
    {
        long lineNumber = 0;
        var first = true;
        byte end = 0;
        byte[] scratch = [];
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (first && (buffer.Length >= 3 || result.IsCompleted))
                {
                    first = false;
                    if (StartsWithBom(buffer))
                    {
                        buffer = buffer.Slice(3);
                    }
                }
                else if (first)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }

                if (end == 0)
                {
                    end = LineEnd(buffer, result.IsCompleted);
                    if (end == 0)
                    {
                        // The first line break is not in sight yet (or is a CR at the end of what was read).
                        input.AdvanceTo(buffer.Start, buffer.End);
                        if (buffer.Length > maxLineBytes + 1)
                        {
                            throw TooLong(1, maxLineBytes, source);
                        }

                        continue;
                    }
                }

                var consumed = Split(buffer, result.IsCompleted, sink, maxLineBytes, end, source, ref lineNumber, ref scratch);
                input.AdvanceTo(consumed, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        finally
        {
            if (scratch.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    private static bool StartsWithBom(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < 3)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[3];
        buffer.Slice(0, 3).CopyTo(head);
        return head.SequenceEqual(Bom);
    }

    /// <summary>The byte that ends lines: LF, or CR when the first line break is a CR alone; 0 while it cannot be told yet.</summary>
    private static byte LineEnd(in ReadOnlySequence<byte> buffer, bool isCompleted)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryAdvanceToAny("\r\n"u8, advancePastDelimiter: false))
        {
            return isCompleted ? (byte)'\n' : (byte)0;
        }

        reader.TryRead(out var found);
        if (found == (byte)'\n')
        {
            return (byte)'\n';
        }

        return reader.TryPeek(out var next) ? next == (byte)'\n' ? (byte)'\n' : (byte)'\r' : isCompleted ? (byte)'\r' : (byte)0;
    }

    private static Telematics.Features.Ingest.TelematicsFormatException TooLong(long lineNumber, int maxLineBytes, string source) =>
        new(lineNumber, source, $"the line is longer than {maxLineBytes} bytes", string.Empty);

    private static SequencePosition Split<TSink>(in ReadOnlySequence<byte> buffer, bool isCompleted, TSink sink, int maxLineBytes, byte end, string source, ref long lineNumber, ref byte[] scratch)
        where TSink : class, ILineSink
    {
        var reader = new SequenceReader<byte>(buffer);
        while (!reader.End)
        {
            var unread = reader.UnreadSpan;
            var newline = unread.IndexOf(end);
            if (newline >= 0)
            {
                var used = 0;
                do
                {
                    Emit(unread.Slice(used, newline), sink, maxLineBytes, source, ref lineNumber);
                    used += newline + 1;
                    newline = unread[used..].IndexOf(end);
                }
                while (newline >= 0);

                reader.Advance(used);
                continue;
            }

            ReadOnlySequence<byte> rest;
            if (reader.TryReadTo(out rest, end))
            {
                Emit(Gather(rest, ref scratch, maxLineBytes), sink, maxLineBytes, source, ref lineNumber);
                continue;
            }

            if (isCompleted)
            {
                Emit(Gather(reader.UnreadSequence, ref scratch, maxLineBytes), sink, maxLineBytes, source, ref lineNumber, unterminated: true);
                reader.AdvanceToEnd();
            }
            else if (reader.Remaining > maxLineBytes)
            {
                // A line this long is not a sensor reading; name it rather than buffer without end.
                throw TooLong(lineNumber + 1, maxLineBytes, source);
            }

            break;
        }

        return reader.Position;
    }

    private static void Emit<TSink>(ReadOnlySpan<byte> line, TSink sink, int maxLineBytes, string source, ref long lineNumber, bool unterminated = false)
        where TSink : class, ILineSink
    {
        lineNumber++;
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        // Wherever the line lies in the pipe's segments (Gather cuts one that straddles them at maxLineBytes + 1), a line
        // this long stops the read the same way, never parsed in part.
        if (line.Length > maxLineBytes)
        {
            throw TooLong(lineNumber, maxLineBytes, source);
        }

        sink.Line(line, lineNumber, unterminated);
    }

    private static ReadOnlySpan<byte> Gather(in ReadOnlySequence<byte> sequence, ref byte[] scratch, int maxLineBytes)
    {
        if (sequence.IsSingleSegment)
        {
            return sequence.FirstSpan;
        }

        var length = (int)Math.Min(sequence.Length, maxLineBytes + 1L);
        if (scratch.Length < length)
        {
            if (scratch.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }

            scratch = ArrayPool<byte>.Shared.Rent(length);
        }

        sequence.Slice(0, length).CopyTo(scratch);
        return scratch.AsSpan(0, length);
    }
}
