using System.Runtime.CompilerServices;

namespace Telematics.Features.Time;

/// <summary>
/// Converts UTC instants to the local time of one IANA time zone, correct across daylight-saving changes,
/// without allocating and without a time-zone lookup per sample.
/// </summary>
/// <remarks>
/// The UTC offset is looked up once per 15-minute UTC slot and reused for every instant in that slot. This is
/// exact because every offset in use since 1972 is a whole number of quarter hours and transitions happen on
/// quarter hours; a slot where that does not hold (an old local-mean-time offset) is detected and then looked
/// up per call. Because a slot is then also a quarter hour in local time, the local hour and weekday are
/// constant inside it, so <see cref="Classify"/> is a comparison of two longs in the common case. Not
/// thread-safe: one instance per thread or per pipeline.
/// </remarks>
internal sealed class LocalTimeCache
{
    private const long SlotMs = 15 * 60 * 1000;
    private const long DayMs = 24 * 60 * 60 * 1000;
    private const long HourMs = 60 * 60 * 1000;

    private long _slotStart = long.MaxValue;
    private long _slotEnd = long.MinValue;
    private long _offsetMs;
    private TimeOfDayFlags _flags;

    /// <summary>Creates a cache for <paramref name="zone"/>.</summary>
    /// <param name="zone">The driver's time zone, e.g. from <c>TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="zone"/> is null.</exception>
    public LocalTimeCache(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        Zone = zone;
    }

    /// <summary>The time zone local times are computed in.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>The zone's UTC offset at an instant, in milliseconds (positive east of Greenwich).</summary>
    /// <param name="unixMs">Instant, milliseconds since the Unix epoch, UTC.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long GetUtcOffsetMs(long unixMs)
    {
        if (unixMs < _slotStart || unixMs >= _slotEnd)
        {
            return LookUp(unixMs);
        }

        return _offsetMs;
    }

    /// <summary>Local wall-clock time at an instant, as milliseconds since 1970-01-01T00:00 local.</summary>
    /// <param name="unixMs">Instant, milliseconds since the Unix epoch, UTC.</param>
    public long ToLocalUnixMs(long unixMs) => unixMs + GetUtcOffsetMs(unixMs);

    /// <summary>Local time windows (<see cref="TimeOfDayFlags"/>) that an instant falls into.</summary>
    /// <param name="unixMs">Instant, milliseconds since the Unix epoch, UTC.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TimeOfDayFlags Classify(long unixMs)
    {
        if (unixMs < _slotStart || unixMs >= _slotEnd)
        {
            return ClassifyLocal(unixMs + LookUp(unixMs));
        }

        return _flags;
    }

    /// <summary>
    /// Classifies an instant and returns the UTC interval [start, end) over which that answer holds, so a hot
    /// loop can skip the cache until it leaves the interval.
    /// </summary>
    internal TimeOfDayFlags ClassifySlot(long unixMs, out long slotStart, out long slotEnd)
    {
        var flags = Classify(unixMs);
        if (unixMs >= _slotStart && unixMs < _slotEnd)
        {
            slotStart = _slotStart;
            slotEnd = _slotEnd;
        }
        else
        {
            slotStart = unixMs;
            slotEnd = unixMs + 1;
        }

        return flags;
    }

    /// <summary>Windows of a local wall-clock time given as milliseconds since 1970-01-01T00:00 local.</summary>
    /// <param name="localUnixMs">Local time, milliseconds since the local epoch.</param>
    public static TimeOfDayFlags ClassifyLocal(long localUnixMs)
    {
        var day = Math.DivRem(localUnixMs, DayMs, out var msOfDay);
        if (msOfDay < 0)
        {
            msOfDay += DayMs;
            day--;
        }

        var hour = (int)(msOfDay / HourMs);
        // 1970-01-01 was a Thursday; (day + 4) mod 7 numbers Sunday as 0 like DayOfWeek.
        var dayOfWeek = (int)(((day % 7) + 7 + 4) % 7);
        var weekend = dayOfWeek is 0 or 6;
        var flags = TimeOfDayFlags.None;
        if (hour >= 22 || hour < 5)
        {
            flags |= TimeOfDayFlags.Night;
        }

        if (hour < 4)
        {
            flags |= TimeOfDayFlags.LateNight;
        }

        if (weekend)
        {
            flags |= TimeOfDayFlags.Weekend;
        }
        else if (hour is 7 or 8 or 16 or 17 or 18)
        {
            flags |= TimeOfDayFlags.RushHour;
        }

        return flags;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long LookUp(long unixMs)
    {
        var offsetMs = OffsetAt(unixMs);
        var slotStart = unixMs - (((unixMs % SlotMs) + SlotMs) % SlotMs);
        var slotEnd = slotStart + SlotMs;
        if (offsetMs % SlotMs == 0 && OffsetAt(slotStart) == offsetMs && OffsetAt(slotEnd - 1) == offsetMs)
        {
            _slotStart = slotStart;
            _slotEnd = slotEnd;
            _offsetMs = offsetMs;
            _flags = ClassifyLocal(slotStart + offsetMs);
        }
        else
        {
            // Offset not constant over the slot, or not a quarter hour: answer this instant only.
            _slotStart = long.MaxValue;
            _slotEnd = long.MinValue;
        }

        return offsetMs;
    }

    private long OffsetAt(long unixMs)
    {
        var utc = new DateTime(DateTime.UnixEpoch.Ticks + (unixMs * TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
        return Zone.GetUtcOffset(utc).Ticks / TimeSpan.TicksPerMillisecond;
    }
}
