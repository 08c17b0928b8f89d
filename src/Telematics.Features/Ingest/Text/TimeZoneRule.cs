namespace Telematics.Features.Ingest.Text;

/// <summary>Turns a wall-clock reading into UTC: a fixed offset, or an IANA zone with its daylight-saving rules.</summary>
internal sealed class TimeZoneRule
{
    private readonly long _fixedOffsetMs;
    private readonly TimeZoneInfo? _zone;

    private TimeZoneRule(long fixedOffsetMs, TimeZoneInfo? zone)
    {
        _fixedOffsetMs = fixedOffsetMs;
        _zone = zone;
    }

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

        utcMs = wallClockMs - (long)_zone.GetUtcOffset(local).TotalMilliseconds;
        return true;
    }
}
