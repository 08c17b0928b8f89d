namespace Telematics.Features.Ingest.Text;

/// <summary>Calendar fields read from text, before a time zone is applied. Unset fields keep their defaults.</summary>
internal struct DateTimeParts
{
    public int Year;
    public int Month;
    public int Day;
    public int Hour;
    public int Minute;
    public int Second;
    public long FractionTicks;

    public static DateTimeParts Epoch => new() { Year = 1970, Month = 1, Day = 1 };

    /// <summary>Milliseconds since 1970-01-01 00:00 of the wall-clock reading, as if it were UTC.</summary>
    public readonly bool TryGetWallClockMs(out long wallClockMs)
    {
        wallClockMs = 0;
        if (Year is < 1 or > 9999 || Month is < 1 or > 12 || Day < 1 || Day > DateTime.DaysInMonth(Year, Month)
            || Hour is < 0 or > 23 || Minute is < 0 or > 59 || Second is < 0 or > 59)
        {
            return false;
        }

        var ticks = new DateTime(Year, Month, Day, Hour, Minute, Second, DateTimeKind.Unspecified).Ticks + FractionTicks;
        wallClockMs = Math.DivRem(ticks - DateTime.UnixEpoch.Ticks, TimeSpan.TicksPerMillisecond, out var rest);
        if (rest < 0)
        {
            wallClockMs--;
        }

        return true;
    }
}
