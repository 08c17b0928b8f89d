using System.Globalization;

namespace Telematics.Features.Ingest.Csv;

/// <summary>
/// Refuses a record of separate date and time columns whose time wraps past midnight on the same date: the sign of a
/// date that does not advance at midnight (a local date beside a UTC time, as in NDS-BR's <c>DAY</c> beside the column
/// headed <c>03:00:00</c>), which would date the record 24 h early. A wrap is a time going back more than 12 h on the
/// same date to a time within <see cref="MaxWrapStepMs"/> after the last one, read across midnight (23:59:59, then
/// 00:00:00); from there every record of that date going back more than 12 h from the last one before it is refused.
/// </summary>
/// <remarks>
/// A rejection rather than a warning: a record kept 24 h early is wrong in every trip and feature after it (a trip cut
/// in two, one part on the day before), while a rejected one is listed with its record number and fails strict runs.
/// A time going back further (an evening trip listed before the same day's morning trip, one glitch stamped 23:10
/// among morning records) is no wrap: it is read, and time order is left to cleaning.
/// </remarks>
internal sealed class DateRollbackGuard
{
    private const long DayMs = 86_400_000;
    private const long MaxBackMs = DayMs / 2;

    // A step across midnight as short as this reads as the same drive or the next one: 23:59:59 then 00:00:00, or a trip
    // ending at 22:40 and the next starting at 00:15. An evening listed before a morning is 9 h or more away.
    private const long MaxWrapStepMs = 3 * 3_600_000;

    private long _day = long.MinValue;
    private long _timeOfDayMs;
    private long _record;
    private long _pendingWallClockMs;
    private bool _wrapped;

    /// <summary>Notes the wall-clock time (as if UTC) of the record being converted.</summary>
    public void Note(long wallClockMs) => _pendingWallClockMs = wallClockMs;

    /// <summary>Checks the noted time against the last record that passed; on success it becomes that record.</summary>
    public bool Check(long record, string timeField, ref RecordError error)
    {
        var day = Math.DivRem(_pendingWallClockMs, DayMs, out var timeOfDay);
        if (timeOfDay < 0)
        {
            day--;
            timeOfDay += DayMs;
        }

        if (day != _day)
        {
            _wrapped = false;
        }
        else if (_timeOfDayMs - timeOfDay > MaxBackMs && (_wrapped || timeOfDay + DayMs - _timeOfDayMs <= MaxWrapStepMs))
        {
            _wrapped = true;
            return error.Set(timeField, string.Create(CultureInfo.InvariantCulture,
                $"the time goes back {TimeSpan.FromMilliseconds(_timeOfDayMs - timeOfDay):hh\\:mm\\:ss} from record {_record} on the same date: the date column may not advance at midnight (a local date beside a UTC time?), which would date this record a day early"));
        }

        _day = day;
        _timeOfDayMs = timeOfDay;
        _record = record;
        return true;
    }
}
