namespace Telematics.Features.Ingest.Text;

/// <summary>
/// Turns a wall-clock reading into UTC: a fixed offset, or an IANA zone with its daylight-saving rules. A zone's rule
/// reads one stream's readings in order: the hour repeated when daylight saving ends is daylight time on its first pass
/// and standard time once the readings go back in local time within it by more than half the repeated span (a row a
/// few seconds late stays on the first pass). One per reader (it keeps that order); not
/// thread-safe.
/// </summary>
internal sealed class TimeZoneRule
{
    // The first pass through a repeated hour is at most this long before the second: no zone turns its clocks back more.
    private static readonly TimeSpan LongestFallBack = TimeSpan.FromHours(2);

    private readonly long _fixedOffsetMs;
    private readonly TimeZoneInfo? _zone;
    private long _latestWallClockMs = long.MinValue;
    private bool _secondPass;

    private TimeZoneRule(long fixedOffsetMs, TimeZoneInfo? zone)
    {
        _fixedOffsetMs = fixedOffsetMs;
        _zone = zone;
    }

    /// <summary>UTC; keeps no state, so it may be shared.</summary>
    public static TimeZoneRule Utc { get; } = new(0, null);

    public static TimeZoneRule FromOffset(TimeSpan offset) => new((long)offset.TotalMilliseconds, null);

    public static TimeZoneRule FromZone(TimeZoneInfo zone) => new(0, zone);

    /// <summary>False when the reading falls in a daylight-saving gap (a time that never happened in that zone).</summary>
    public bool TryToUtc(long wallClockMs, out long utcMs)
    {
        if (_zone is null)
        {
            utcMs = wallClockMs - _fixedOffsetMs;
            return true;
        }

        var local = DateTime.SpecifyKind(DateTime.UnixEpoch.AddMilliseconds(wallClockMs), DateTimeKind.Unspecified);
        if (_zone.IsInvalidTime(local))
        {
            utcMs = 0;
            return false;
        }

        // For a time of the repeated hour this is the standard offset, its second pass.
        var offset = _zone.GetUtcOffset(local);
        if (_zone.IsAmbiguousTime(local))
        {
            // The first pass: the offset in force just before the clocks went back, found at an instant before it.
            var secondPassUtc = DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
            var firstPassOffset = _zone.GetUtcOffset(secondPassUtc - LongestFallBack);

            // A reading behind the latest one is either late (first pass) or on the second pass, the repeated span
            // later; the reading nearer in time to the latest wins. So the second pass starts when local time goes back
            // by more than half the repeated span (30 min of a 1 h fall-back), not at a row a few seconds late.
            var repeatedMs = (long)(firstPassOffset - offset).TotalMilliseconds;
            _secondPass |= _latestWallClockMs != long.MinValue && _latestWallClockMs - wallClockMs > repeatedMs / 2;
            if (!_secondPass)
            {
                offset = firstPassOffset;
            }
        }
        else
        {
            _secondPass = false;
        }

        _latestWallClockMs = Math.Max(_latestWallClockMs, wallClockMs);
        utcMs = wallClockMs - (long)offset.TotalMilliseconds;
        return true;
    }
}
