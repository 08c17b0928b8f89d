using System.Text.Json.Serialization;

namespace Telematics.Features.Imu.Ingest;

/// <summary>How the time column of a phone sensor log is written.</summary>
public enum ImuTimeFormat
{
    /// <summary>
    /// A number in s, ms, µs or ns told from the spacing of readings (a phone logs 5–100 ms apart), one unit for every
    /// series of a time column, told by its fastest motion sensor; Unix time when it falls in 2000–2100 and a monotonic
    /// clock otherwise; or else ISO-8601 text.
    /// </summary>
    [JsonStringEnumMemberName("auto")]
    Auto = 0,

    /// <summary>Nanoseconds since the Unix epoch (Android <c>SensorEvent</c> times converted to wall clock).</summary>
    [JsonStringEnumMemberName("unix_ns")]
    UnixNs = 1,

    /// <summary>Milliseconds since the Unix epoch, decimals allowed.</summary>
    [JsonStringEnumMemberName("unix_ms")]
    UnixMs = 2,

    /// <summary>Seconds since the Unix epoch, decimals allowed.</summary>
    [JsonStringEnumMemberName("unix_s")]
    UnixS = 3,

    /// <summary>Nanoseconds of a monotonic clock (Android <c>elapsedRealtimeNanos</c>, iOS uptime); no calendar date.</summary>
    [JsonStringEnumMemberName("monotonic_ns")]
    MonotonicNs = 4,

    /// <summary>Seconds since an arbitrary start (a logger's <c>seconds_elapsed</c>), decimals and a minus (readings before the start) allowed; no calendar date.</summary>
    [JsonStringEnumMemberName("elapsed_s")]
    ElapsedS = 5,

    /// <summary>ISO-8601 / RFC 3339 text; without an offset the mapping's zone applies.</summary>
    [JsonStringEnumMemberName("iso8601")]
    Iso8601 = 6,

    /// <summary>Text matching <see cref="ImuTimeMapping.Pattern"/> (e.g. <c>dd/MM/yyyy HH:mm:ss</c>) in the mapping's zone.</summary>
    [JsonStringEnumMemberName("pattern")]
    Pattern = 7,
}
