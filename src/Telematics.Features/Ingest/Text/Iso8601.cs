namespace Telematics.Features.Ingest.Text;

/// <summary>
/// ISO-8601 / RFC 3339 timestamps from UTF-8 bytes: <c>yyyy-MM-ddTHH:mm[:ss[.fffffff]]</c> ('T' or a space between
/// date and time) followed by <c>Z</c>, <c>±HH:mm</c>, <c>±HHmm</c>, <c>±HH</c> or nothing (then the given zone applies).
/// </summary>
internal static class Iso8601
{
    public static bool TryParse(ReadOnlySpan<byte> text, TimeZoneRule zoneWhenNoOffset, out long unixMs)
    {
        unixMs = 0;
        var parts = default(DateTimeParts);
        if (text.Length < 16
            || !TryDigits(text, 0, 4, out parts.Year) || text[4] != (byte)'-'
            || !TryDigits(text, 5, 2, out parts.Month) || text[7] != (byte)'-'
            || !TryDigits(text, 8, 2, out parts.Day) || (text[10] != (byte)'T' && text[10] != (byte)' ' && text[10] != (byte)'t')
            || !TryDigits(text, 11, 2, out parts.Hour) || text[13] != (byte)':'
            || !TryDigits(text, 14, 2, out parts.Minute))
        {
            return false;
        }

        var pos = 16;
        if (pos < text.Length && text[pos] == (byte)':')
        {
            if (!TryDigits(text, pos + 1, 2, out parts.Second))
            {
                return false;
            }

            pos += 3;
            if (pos < text.Length && (text[pos] == (byte)'.' || text[pos] == (byte)','))
            {
                pos++;
                var digits = 0;
                long fraction = 0;
                while (pos < text.Length && (uint)(text[pos] - '0') <= 9)
                {
                    // Digits past the 7th (100 ns) are read and dropped.
                    if (digits < 7)
                    {
                        fraction = (fraction * 10) + (text[pos] - '0');
                        digits++;
                    }

                    pos++;
                }

                if (digits == 0)
                {
                    return false;
                }

                for (var i = digits; i < 7; i++)
                {
                    fraction *= 10;
                }

                parts.FractionTicks = fraction;
            }
        }

        if (!parts.TryGetWallClockMs(out var wallClockMs))
        {
            return false;
        }

        if (pos == text.Length)
        {
            return zoneWhenNoOffset.TryToUtc(wallClockMs, out unixMs);
        }

        var designator = text[pos];
        if ((designator == (byte)'Z' || designator == (byte)'z') && pos + 1 == text.Length)
        {
            unixMs = wallClockMs;
            return true;
        }

        if (designator != (byte)'+' && designator != (byte)'-')
        {
            return false;
        }

        var offset = text[(pos + 1)..];
        int hours, minutes = 0;
        var ok = offset.Length switch
        {
            2 => TryDigits(offset, 0, 2, out hours),
            4 => TryDigits(offset, 0, 2, out hours) && TryDigits(offset, 2, 2, out minutes),
            5 => TryDigits(offset, 0, 2, out hours) && offset[2] == (byte)':' && TryDigits(offset, 3, 2, out minutes),
            _ => TryDigits(offset, 0, 0, out hours) && false,
        };
        if (!ok || hours > 23 || minutes > 59)
        {
            return false;
        }

        var offsetMs = ((hours * 60L) + minutes) * 60_000L;
        unixMs = designator == (byte)'+' ? wallClockMs - offsetMs : wallClockMs + offsetMs;
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        if (start + count > text.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            var digit = (uint)(text[i] - '0');
            if (digit > 9)
            {
                return false;
            }

            value = (value * 10) + (int)digit;
        }

        return true;
    }
}
