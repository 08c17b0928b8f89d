namespace Telematics.Features.Ingest.Text;

/// <summary>
/// Turns a wall-clock reading into UTC: a fixed offset, or an IANA zone with its daylight-saving rules. A zone's rule
/// reads one stream's readings in order: the hour repeated when daylight saving ends is daylight time on its first pass
/// and standard time once the readings go back in local time within it. One per reader (it keeps that order); not
/// thread-safe.
/// </summary>
internal sealed class TimeZoneRule
{
    // The first pass through a repeated hour is at most this long before the second: no zone turns its clocks back more.
    private static readonly TimeSpan LongestFallBack = TimeSpan.FromHours(2);

    private readonly long _fixedOffsetMs;
    private readonly TimeZoneInfo? _zone;
    private long _lastWallClockMs = long.MinValue;
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
            _secondPass |= wallClockMs < _lastWallClockMs;
            if (!_secondPass)
            {
                // The first pass: the offset in force just before the clocks went back, found at an instant before it.
                var secondPassUtc = DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
                offset = _zone.GetUtcOffset(secondPassUtc - LongestFallBack);
            }
        }
        else
        {
            _secondPass = false;
        }

        _lastWallClockMs = wallClockMs;
        utcMs = wallClockMs - (long)offset.TotalMilliseconds;
        return true;
    }
}
