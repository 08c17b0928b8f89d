using System.Globalization;

namespace Telematics.Features.Ingest.Text;

/// <summary>Number parsing straight from UTF-8 bytes, with either '.' or ',' as the decimal separator.</summary>
internal static class Utf8Numbers
{
    // Longest numeric text copied to swap a decimal comma: 64 bytes covers any round-trip double with exponent.
    private const int MaxCommaNumberLength = 64;

    private const NumberStyles Floating = NumberStyles.Float;

    public static bool TryParseDouble(ReadOnlySpan<byte> text, bool decimalComma, out double value)
    {
        if (!decimalComma)
        {
            return double.TryParse(text, Floating, CultureInfo.InvariantCulture, out value);
        }

        if (text.Length > MaxCommaNumberLength || text.Contains((byte)'.'))
        {
            value = 0;
            return false;
        }

        Span<byte> copy = stackalloc byte[MaxCommaNumberLength];
        text.CopyTo(copy);
        copy = copy[..text.Length];
        copy.Replace((byte)',', (byte)'.');
        return double.TryParse(copy, Floating, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryParseSingle(ReadOnlySpan<byte> text, bool decimalComma, out float value)
    {
        if (!decimalComma)
        {
            return float.TryParse(text, Floating, CultureInfo.InvariantCulture, out value);
        }

        if (text.Length > MaxCommaNumberLength || text.Contains((byte)'.'))
        {
            value = 0;
            return false;
        }

        Span<byte> copy = stackalloc byte[MaxCommaNumberLength];
        text.CopyTo(copy);
        copy = copy[..text.Length];
        copy.Replace((byte)',', (byte)'.');
        return float.TryParse(copy, Floating, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out value);

    /// <summary>ASCII spaces and tabs removed at both ends.</summary>
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && (text[start] == (byte)' ' || text[start] == (byte)'\t'))
        {
            start++;
        }

        while (end > start && (text[end - 1] == (byte)' ' || text[end - 1] == (byte)'\t'))
        {
            end--;
        }

        return text[start..end];
    }
}
