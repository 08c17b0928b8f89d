using System.Text.Json.Serialization;

namespace Telematics.Features.Ingest.Csv;

/// <summary>How the timestamp of a CSV record is written.</summary>
public enum TimestampFormat
{
    /// <summary>An integer is Unix milliseconds; anything else is read as ISO-8601.</summary>
    [JsonStringEnumMemberName("auto")]
    Auto = 0,

    /// <summary>ISO-8601 / RFC 3339, e.g. <c>2019-08-26T22:17:27.250Z</c>; without an offset the mapping's zone applies.</summary>
    [JsonStringEnumMemberName("iso8601")]
    Iso8601,

    /// <summary>Seconds since the Unix epoch, fractions allowed (rounded to the millisecond).</summary>
    [JsonStringEnumMemberName("unix_s")]
    UnixSeconds,

    /// <summary>Whole milliseconds since the Unix epoch.</summary>
    [JsonStringEnumMemberName("unix_ms")]
    UnixMilliseconds,

    /// <summary>
    /// A date column and a time column, each with a pattern (<see cref="CsvTimestampMapping.DateFormat"/>,
    /// <see cref="CsvTimestampMapping.TimeFormat"/>), read as wall-clock time in the mapping's zone.
    /// </summary>
    [JsonStringEnumMemberName("date_and_time")]
    DateAndTime,

    // Added after the shipped members, so that their values stay as they were.
    /// <summary>Whole microseconds since the Unix epoch (rounded to the millisecond).</summary>
    [JsonStringEnumMemberName("unix_us")]
    UnixMicroseconds,

    /// <summary>Whole nanoseconds since the Unix epoch, as phone loggers write GPS fixes (rounded to the millisecond).</summary>
    [JsonStringEnumMemberName("unix_ns")]
    UnixNanoseconds,
}
