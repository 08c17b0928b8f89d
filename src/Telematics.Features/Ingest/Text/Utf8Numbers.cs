using System.Globalization;
using System.Runtime.CompilerServices;

namespace Telematics.Features.Ingest.Text;

/// <summary>Number parsing straight from UTF-8 bytes, with either '.' or ',' as the decimal separator.</summary>
internal static class Utf8Numbers
{
    // Longest numeric text copied to swap a decimal comma: 64 bytes covers any round-trip double with exponent.
    private const int MaxCommaNumberLength = 64;

    private const NumberStyles Floating = NumberStyles.Float;

    private const int MaxExactDoublePower = 22;

    private const int MaxExactSinglePower = 10;

    // Bounds of the float-through-double path (TryExactSingle): 5^11 · 2^25 < 2^53, and s < 2^52 keeps s/10^k exact-able.
    private const int MaxViaDoublePower = 11;

    private const ulong MaxViaDoubleSignificand = 1UL << 52;

    // Exact powers of ten: every one up to 1e22 is representable in a double, up to 1e10 in a float. Arrays, not
    // span properties: a span of doubles over constant data is a fresh array per call in unoptimised builds.
    private static readonly double[] DoublePowers = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    private static readonly float[] SinglePowers = [1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f];

    public static bool TryParseDouble(ReadOnlySpan<byte> text, bool decimalComma, out double value)
    {
        // Clinger's fast path: an integer significand below 2^53 divided by an exact power of ten is one correctly
        // rounded IEEE operation, so the result equals the full parser's. Everything else goes to the full parser.
        if (TrySplitDecimal(text, decimalComma ? (byte)',' : (byte)'.', out var significand, out var fractionDigits, out var negative)
            && TryExactDouble(significand, fractionDigits, negative, out value))
        {
            return true;
        }

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
        // Clinger's fast path in single precision: significand below 2^24, power of ten up to 1e10.
        if (TrySplitDecimal(text, decimalComma ? (byte)',' : (byte)'.', out var significand, out var fractionDigits, out var negative)
            && TryExactSingle(significand, fractionDigits, negative, out value))
        {
            return true;
        }

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

    /// <summary>
    /// Clinger's fast path: <paramref name="significand"/> / 10^<paramref name="fractionDigits"/> as one correctly
    /// rounded IEEE division, which equals the full parser's result; false when the operands are not both exact doubles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryExactDouble(ulong significand, int fractionDigits, bool negative, out double value)
    {
        if (significand >= (1UL << 53) || (uint)fractionDigits > MaxExactDoublePower)
        {
            value = 0;
            return false;
        }

        value = significand / DoublePowers[fractionDigits];
        value = negative ? -value : value;
        return true;
    }

    /// <summary>
    /// Clinger's fast path in single precision (significand below 2^24, power of ten up to 1e10), else through the
    /// exact double quotient for the longer texts loggers write (9 significant digits, e.g. <c>0.059345074</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryExactSingle(ulong significand, int fractionDigits, bool negative, out float value)
    {
        if (significand < (1UL << 24) && (uint)fractionDigits <= MaxExactSinglePower)
        {
            value = significand / SinglePowers[fractionDigits];
        }
        else if (significand < MaxViaDoubleSignificand && (uint)fractionDigits <= MaxViaDoublePower)
        {
            // Rounding the correctly rounded double to float is the correctly rounded float unless the double lands on a
            // float midpoint the decimal is not. It cannot: a decimal s/10^k (s < 2^52, k <= 11) differs from any midpoint
            // (25-bit significand M) it is not equal to by more than half a double ulp, as 5^k·M < 2^53.
            value = (float)(significand / DoublePowers[fractionDigits]);
        }
        else
        {
            value = float.NaN;
            return false;
        }

        value = negative ? -value : value;
        return true;
    }

    /// <summary>
    /// Scans <c>[-]digits[point digits]</c> (1 to 19 digits, either side of the point may be empty) from
    /// <paramref name="pos"/> in a record, up to the field separator or the record's end, into the same parts as the
    /// general parser; moves <paramref name="pos"/> to the separator. False for any other byte in the field.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryScanDecimal(ReadOnlySpan<byte> line, ref int pos, byte separator, byte point, out ulong significand, out int fractionDigits, out bool negative)
    {
        significand = 0;
        fractionDigits = 0;
        var i = pos;
        negative = i < line.Length && line[i] == (byte)'-';
        if (negative)
        {
            i++;
        }

        var start = i;
        while (i < line.Length && (uint)(line[i] - '0') <= 9)
        {
            significand = (significand * 10) + (uint)(line[i] - '0');
            i++;
        }

        var digits = i - start;
        if (i < line.Length && line[i] == point)
        {
            i++;
            var fractionStart = i;
            while (i < line.Length && (uint)(line[i] - '0') <= 9)
            {
                significand = (significand * 10) + (uint)(line[i] - '0');
                i++;
            }

            fractionDigits = i - fractionStart;
            digits += fractionDigits;
        }

        // More than 19 digits may have overflowed the significand: not ours to parse.
        if (digits is 0 or > 19 || (i < line.Length && line[i] != separator))
        {
            return false;
        }

        pos = i;
        return true;
    }

    /// <summary>
    /// Scans 1 to 18 ASCII digits from <paramref name="pos"/> up to the field separator or the record's end (cannot
    /// overflow a long); moves <paramref name="pos"/> to the separator. False for any other byte in the field.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryScanDigits(ReadOnlySpan<byte> line, ref int pos, byte separator, out long value)
    {
        value = 0;
        var i = pos;
        while (i < line.Length && (uint)(line[i] - '0') <= 9)
        {
            value = (value * 10) + (line[i] - '0');
            i++;
        }

        if (i - pos is 0 or > 18 || (i < line.Length && line[i] != separator))
        {
            value = 0;
            return false;
        }

        pos = i;
        return true;
    }

    /// <summary>
    /// Splits <c>[-]digits[sep digits]</c> (at most 19 digits, nothing else) into an integer significand and the number
    /// of fraction digits; false for any other shape (exponent, sign '+', spaces, NaN), which the full parser handles.
    /// </summary>
    private static bool TrySplitDecimal(ReadOnlySpan<byte> text, byte separator, out ulong significand, out int fractionDigits, out bool negative)
    {
        significand = 0;
        fractionDigits = 0;
        negative = text.Length > 0 && text[0] == (byte)'-';
        var i = negative ? 1 : 0;
        var digits = 0;
        var seenSeparator = false;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            var digit = (uint)(c - '0');
            if (digit <= 9)
            {
                significand = (significand * 10) + digit;
                digits++;
                fractionDigits += seenSeparator ? 1 : 0;
            }
            else if (c == separator && !seenSeparator)
            {
                seenSeparator = true;
            }
            else
            {
                return false;
            }
        }

        // Digits on both sides are not required ("5." and ".5" are numbers), but at least one digit is; 19 digits fit a ulong.
        return digits is > 0 and <= 19;
    }

    /// <summary>Fast path for the common case: 1 to 18 ASCII digits, nothing else (cannot overflow a long).</summary>
    public static bool TryParseDigits(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.Length is 0 or > 18)
        {
            return false;
        }

        foreach (var c in text)
        {
            var digit = (uint)(c - '0');
            if (digit > 9)
            {
                value = 0;
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
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
