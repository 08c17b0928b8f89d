using System.Globalization;

namespace Telematics.Features.Ingest.Csv;

/// <summary>
/// Refuses a record of separate date and time columns whose time goes back more than 12 h on the same date as the
/// last record read: the sign of a date that does not advance at midnight (a local date beside a UTC time, as in
/// NDS-BR's <c>DAY</c> beside the column headed <c>03:00:00</c>), which would date the record 24 h early.
/// </summary>
/// <remarks>
/// A rejection rather than a warning: a record kept 24 h early is wrong in every trip and feature after it (a trip cut
/// in two, one part on the day before), while a rejected one is listed with its record number and fails strict runs.
/// The price is an unsorted file (an evening trip listed before the morning trip of the same day): its earlier trip
/// is rejected too, with a reason that says the file may not be in time order.
/// </remarks>
internal sealed class DateRollbackGuard
{
    private const long DayMs = 86_400_000;
    private const long MaxBackMs = DayMs / 2;

    private long _day = long.MinValue;
    private long _timeOfDayMs;
    private long _record;
    private long _pendingWallClockMs;

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

        if (day == _day && _timeOfDayMs - timeOfDay > MaxBackMs)
        {
            return error.Set(timeField, string.Create(CultureInfo.InvariantCulture,
                $"the time goes back {TimeSpan.FromMilliseconds(_timeOfDayMs - timeOfDay):hh\\:mm\\:ss} from record {_record} on the same date: the date column may not advance at midnight (a local date beside a UTC time?), which would date this record a day early; or the file is not in time order"));
        }

        _day = day;
        _timeOfDayMs = timeOfDay;
        _record = record;
        return true;
    }
}
