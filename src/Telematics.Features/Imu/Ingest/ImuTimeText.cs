using Telematics.Features.Ingest.Text;

namespace Telematics.Features.Imu.Ingest;

/// <summary>Reads the time field of a phone log into nanoseconds, in the mapping's format.</summary>
internal sealed class ImuTimeText
{
    private readonly ImuTimeFormat _format;
    private readonly TimeZoneRule _zone;
    private readonly DateTimePattern? _pattern;

    // Auto: after numbers and ISO-8601, the day-first wall clock of spreadsheets and many loggers, with or without milliseconds.
    private readonly DateTimePattern[] _autoPatterns = [];
    private readonly bool _decimalComma;
    private long _rescale = 1;

    /// <param name="mapping">The time column's format and zone.</param>
    /// <param name="decimalComma">Numbers are written with a decimal comma (<see cref="ImuMapping.DecimalSeparator"/>).</param>
    public ImuTimeText(ImuTimeMapping mapping, bool decimalComma = false)
    {
        _decimalComma = decimalComma;
        _format = mapping.Format;
        _zone = mapping.TimeZone is { } id
            ? TimeZoneRule.FromZone(TimeZoneInfo.FindSystemTimeZoneById(id))
            : TimeZoneRule.FromOffset(mapping.UtcOffset);
        _pattern = mapping.Format == ImuTimeFormat.Pattern ? DateTimePattern.Parse(mapping.Pattern) : null;
        if (mapping.Format == ImuTimeFormat.Auto)
        {
            _autoPatterns = [DateTimePattern.Parse("dd/MM/yyyy HH:mm:ss.fff"), DateTimePattern.Parse("dd/MM/yyyy HH:mm:ss")];
        }
    }

    /// <summary>Non-zero when <see cref="ImuTimeFormat.Auto"/> read numbers: they are in units of 1/this until <see cref="ImuTimeUnits"/> rescales them.</summary>
    public long ProvisionalScale { get; private set; }

    public bool TryParse(ReadOnlySpan<byte> text, out long ns)
    {
        ns = 0;
        switch (_format)
        {
            case ImuTimeFormat.UnixNs or ImuTimeFormat.MonotonicNs:
                return Utf8Numbers.TryParseInt64(text, out ns);
            case ImuTimeFormat.UnixMs:
                return TryScaled(text, 1_000_000, signed: false, out ns);
            case ImuTimeFormat.UnixS:
                return TryScaled(text, 1_000_000_000, signed: false, out ns);
            case ImuTimeFormat.ElapsedS:
                // Loggers write readings buffered before the recording started at negative seconds (Sensor Logger's seconds_elapsed).
                return TryScaled(text, 1_000_000_000, signed: true, out ns);
            case ImuTimeFormat.Iso8601:
                return TryIso(text, out ns);
            case ImuTimeFormat.Pattern:
                return TryPattern(_pattern!, text, out ns);
            default:
                // Signed: a negative number can only be elapsed seconds, which may start before the recording did.
                if (ProvisionalScale != 0)
                {
                    return TryScaled(text, ProvisionalScale, signed: true, out ns) || TryRescaled(text, out ns);
                }

                if (Utf8Numbers.TryParseDouble(text, _decimalComma, out var number) && double.IsFinite(number))
                {
                    // The unit is told after the file from the spacing of readings (ImuTimeUnits); until then numbers are
                    // kept exactly with as many decimals as the first one leaves room for in a long.
                    if (ProvisionalScale == 0)
                    {
                        var digits = (int)Math.Floor(Math.Log10(9e17 / Math.Max(Math.Abs(number), 1)));
                        ProvisionalScale = (long)Math.Pow(10, Math.Clamp(digits, 0, 9));
                    }

                    return TryScaled(text, ProvisionalScale, signed: true, out ns);
                }

                if (TryIso(text, out ns))
                {
                    return true;
                }

                foreach (var pattern in _autoPatterns)
                {
                    if (TryPattern(pattern, text, out ns))
                    {
                        return true;
                    }
                }

                return false;
        }
    }

    private bool TryPattern(DateTimePattern pattern, ReadOnlySpan<byte> text, out long ns)
    {
        ns = 0;
        var parts = DateTimeParts.Epoch;
        if (!pattern.TryParse(text, ref parts) || !parts.TryGetWallClockMs(out var wall) || !_zone.TryToUtc(wall, out var utcMs))
        {
            return false;
        }

        ns = utcMs * 1_000_000;
        return true;
    }

    /// <summary>
    /// The factor the times read before the last call must be divided by (1 when none): a number too large for the scale
    /// the first one set lowered it. Reading it resets it.
    /// </summary>
    public long TakeRescale()
    {
        var factor = _rescale;
        _rescale = 1;
        return factor;
    }

    // A clock counted from 0 (nanoseconds since the recording started: 0, 5000000, …) makes the first number leave room for
    // nine decimals, and 9.2 s later a number no longer fits: fewer decimals from here, kept with 100× headroom so that
    // this happens rarely, and the caller divides what it read so far by the same factor (TakeRescale).
    private bool TryRescaled(ReadOnlySpan<byte> text, out long ns)
    {
        ns = 0;
        if (!Utf8Numbers.TryParseDouble(text, _decimalComma, out var number) || !double.IsFinite(number))
        {
            return false;
        }

        var scale = ProvisionalScale;
        long factor = 1;
        while (scale > 1 && Math.Abs(number) * scale > 9e15)
        {
            scale /= 10;
            factor *= 10;
        }

        if (factor == 1 || !TryScaled(text, scale, signed: true, out ns))
        {
            return false;
        }

        ProvisionalScale = scale;
        _rescale *= factor;
        return true;
    }

    private bool TryIso(ReadOnlySpan<byte> text, out long ns)
    {
        var ok = Iso8601.TryParse(text, _zone, out var ms);
        ns = ms * 1_000_000;
        return ok;
    }

    /// <summary>
    /// A decimal number of units to nanoseconds, exactly for plain decimals (a double would lose the tail of a Unix time);
    /// a leading minus only when <paramref name="signed"/>. The sign is taken off first: the whole part of <c>-0.5</c> is
    /// <c>-0</c>, which as a number has lost it.
    /// </summary>
    private bool TryScaled(ReadOnlySpan<byte> text, long nsPerUnit, bool signed, out long ns)
    {
        ns = 0;
        if (!text.IsEmpty && text[0] == (byte)'-')
        {
            if (!signed || !TryScaled(text[1..], nsPerUnit, signed: false, out var magnitude))
            {
                return false;
            }

            ns = -magnitude;
            return true;
        }

        var point = text.IndexOf(_decimalComma ? (byte)',' : (byte)'.');
        var wholeText = point < 0 ? text : text[..point];
        if (Utf8Numbers.TryParseInt64(wholeText, out var whole) && whole >= 0 && whole <= (long.MaxValue / nsPerUnit) - 1)
        {
            long fraction = 0;
            if (point >= 0)
            {
                var digits = text[(point + 1)..];
                long scale = nsPerUnit;
                foreach (var d in digits)
                {
                    if (d is < (byte)'0' or > (byte)'9')
                    {
                        return TryViaDouble(text, nsPerUnit, out ns);
                    }

                    // Digits finer than a nanosecond are dropped.
                    scale /= 10;
                    fraction += (d - '0') * scale;
                }
            }

            ns = (whole * nsPerUnit) + fraction;
            return true;
        }

        return TryViaDouble(text, nsPerUnit, out ns);
    }

    private bool TryViaDouble(ReadOnlySpan<byte> text, long nsPerUnit, out long ns)
    {
        if (Utf8Numbers.TryParseDouble(text, _decimalComma, out var value) && double.IsFinite(value) && value >= 0 && value * nsPerUnit < 9e18)
        {
            ns = (long)Math.Round(value * nsPerUnit);
            return true;
        }

        ns = 0;
        return false;
    }
}
