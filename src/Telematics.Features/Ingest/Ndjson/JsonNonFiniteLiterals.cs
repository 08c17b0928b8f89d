namespace Telematics.Features.Ingest.Ndjson;

/// <summary>
/// Rewrites the bare <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> that Python's <c>json.dumps</c> (and JavaScript's
/// loggers) write for a missing figure into <c>null</c>, which JSON has and the readers take as missing, as the CSV
/// reader takes "NaN". Only values are rewritten: text inside strings is left as it is.
/// </summary>
internal static class JsonNonFiniteLiterals
{
    /// <summary>The most bytes <see cref="TryRewrite"/> may write for <paramref name="length"/> bytes of input.</summary>
    public static int MaxRewrittenLength(int length) => length + (length / 3) + 1;

    /// <summary>
    /// Writes <paramref name="json"/> into <paramref name="destination"/> with each non-finite literal replaced by
    /// <c>null</c>; false when there was none (nothing to retry).
    /// </summary>
    public static bool TryRewrite(ReadOnlySpan<byte> json, Span<byte> destination, out int written)
    {
        written = 0;
        var replaced = false;
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (inString)
            {
                destination[written++] = b;
                if (b == (byte)'\\' && i + 1 < json.Length)
                {
                    destination[written++] = json[++i];
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }

                continue;
            }

            if (b == (byte)'"')
            {
                inString = true;
                destination[written++] = b;
                continue;
            }

            var literal = LiteralAt(json, i);
            if (literal > 0)
            {
                "null"u8.CopyTo(destination[written..]);
                written += 4;
                i += literal - 1;
                replaced = true;
                continue;
            }

            destination[written++] = b;
        }

        return replaced;
    }

    // The length of a non-finite literal standing as a whole value at i (not part of a longer word), or 0.
    private static int LiteralAt(ReadOnlySpan<byte> json, int i)
    {
        if (i > 0 && IsWordByte(json[i - 1]))
        {
            return 0;
        }

        var rest = json[i..];
        var length = rest.StartsWith("NaN"u8) ? 3
            : rest.StartsWith("Infinity"u8) ? 8
            : rest.StartsWith("-Infinity"u8) ? 9
            : 0;
        return length > 0 && (length == rest.Length || !IsWordByte(rest[length])) ? length : 0;
    }

    private static bool IsWordByte(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'_' or (byte)'.' or (byte)'-' or (byte)'+';
}
