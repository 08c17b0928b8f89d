using System.Buffers;
using Telematics.Features.Ingest.Text;

namespace Telematics.Features.Ingest.Csv;

/// <summary>
/// Splits a CSV record into the fields a mapping uses, without allocating per record: where each mapped field's bytes
/// lie in the line, and the unescaped text of quoted fields that hold doubled quotes (in a pooled buffer that grows to
/// the longest line and is returned by <see cref="ReleaseBuffer"/>). A field that starts with the quote runs to the next
/// lone quote, which must end the field.
/// </summary>
/// <param name="separator">The field separator.</param>
/// <param name="quote">The quote character.</param>
internal sealed class CsvRecordSplitter(byte separator, byte quote)
{
    private readonly int[] _start = new int[CompiledCsvMapping.FieldCount];
    private readonly int[] _length = new int[CompiledCsvMapping.FieldCount];
    private readonly bool[] _unescaped = new bool[CompiledCsvMapping.FieldCount];
    private byte[] _unescapeBuffer = [];

    /// <summary>How splitting a record went.</summary>
    public enum Outcome
    {
        /// <summary>Every mapped field was found.</summary>
        Split,

        /// <summary>A quoted field is not closed, or text follows its closing quote; the column is the field's.</summary>
        BadQuote,

        /// <summary>The record ends before the last mapped column; the column is the record's last.</summary>
        TooFewFields,
    }

    /// <summary>Finds the bytes of every mapped field of <paramref name="line"/>; unescapes quoted fields that contain doubled quotes.</summary>
    /// <param name="line">The record.</param>
    /// <param name="columns">The field each column of the header maps to.</param>
    /// <param name="lastMappedColumn">The last column that maps to a field.</param>
    /// <param name="column">The column at fault, when the record cannot be split.</param>
    /// <returns>Whether the record was split, or why not.</returns>
    public Outcome Split(ReadOnlySpan<byte> line, CsvField[] columns, int lastMappedColumn, out int column)
    {
        _length.AsSpan().Fill(-1);
        if (_unescapeBuffer.Length < line.Length)
        {
            if (_unescapeBuffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_unescapeBuffer);
            }

            _unescapeBuffer = ArrayPool<byte>.Shared.Rent(Math.Max(line.Length, 256));
        }

        var unescapedEnd = 0;
        var pos = 0;
        for (column = 0; column <= lastMappedColumn; column++)
        {
            int start, length;
            var unescaped = false;
            if (pos < line.Length && line[pos] == quote)
            {
                if (!TryReadQuoted(line, ref pos, ref unescapedEnd, out start, out length, out unescaped))
                {
                    return Outcome.BadQuote;
                }
            }
            else
            {
                var rest = line[pos..];
                var next = rest.IndexOf(separator);
                start = pos;
                length = next < 0 ? rest.Length : next;
                pos += length;
            }

            var field = columns[column];
            if (field != CsvField.None)
            {
                _start[(int)field] = start;
                _length[(int)field] = length;
                _unescaped[(int)field] = unescaped;
            }

            if (pos >= line.Length)
            {
                if (column < lastMappedColumn)
                {
                    return Outcome.TooFewFields;
                }

                break;
            }

            pos++;
        }

        return Outcome.Split;
    }

    /// <summary>The trimmed bytes of a field of the record last split; valid until the next split.</summary>
    public ReadOnlySpan<byte> Value(ReadOnlySpan<byte> line, CsvField field)
    {
        var i = (int)field;
        var raw = _unescaped[i] ? _unescapeBuffer.AsSpan(_start[i], _length[i]) : line.Slice(_start[i], _length[i]);
        return Utf8Numbers.Trim(raw);
    }

    /// <summary>Whether the record last split has the field (its column is in the header and the record reached it).</summary>
    public bool Present(CsvField field) => _length[(int)field] >= 0;

    /// <summary>Counts the fields of a record that holds quotes: separators inside quoted fields do not count.</summary>
    public int CountQuotedFields(ReadOnlySpan<byte> line)
    {
        var fields = 1;
        var quoted = false;
        foreach (var b in line)
        {
            if (b == quote)
            {
                quoted = !quoted;
            }
            else if (b == separator && !quoted)
            {
                fields++;
            }
        }

        return fields;
    }

    /// <summary>Returns the unescape buffer to the pool; a later split rents another.</summary>
    public void ReleaseBuffer()
    {
        if (_unescapeBuffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_unescapeBuffer);
            _unescapeBuffer = [];
        }
    }

    private bool TryReadQuoted(ReadOnlySpan<byte> line, ref int pos, ref int unescapedEnd, out int start, out int length, out bool unescaped)
    {
        var open = pos + 1;
        var close = line[open..].IndexOf(quote);
        start = open;
        length = 0;
        unescaped = false;
        if (close < 0)
        {
            return false;
        }

        close += open;
        if (close + 1 < line.Length && line[close + 1] == quote)
        {
            // Doubled quotes inside: copy the unescaped text into the per-line buffer.
            unescaped = true;
            start = unescapedEnd;
            var segment = open;
            while (true)
            {
                var piece = line[segment..close];
                piece.CopyTo(_unescapeBuffer.AsSpan(unescapedEnd));
                unescapedEnd += piece.Length;
                if (close + 1 < line.Length && line[close + 1] == quote)
                {
                    _unescapeBuffer[unescapedEnd++] = quote;
                    segment = close + 2;
                    var next = line[segment..].IndexOf(quote);
                    if (next < 0)
                    {
                        return false;
                    }

                    close = segment + next;
                    continue;
                }

                break;
            }

            length = unescapedEnd - start;
        }
        else
        {
            length = close - open;
        }

        pos = close + 1;
        return pos == line.Length || line[pos] == separator;
    }
}
