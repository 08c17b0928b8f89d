namespace Telematics.Features.Ingest.Csv;

/// <summary>Where a CSV record's timestamp comes from and how to read it as UTC.</summary>
/// <remarks>
/// Date patterns use <c>d</c>/<c>dd</c> (day), <c>M</c>/<c>MM</c> (month), <c>yyyy</c>; time patterns
/// <c>H</c>/<c>HH</c>, <c>m</c>/<c>mm</c>, <c>s</c>/<c>ss</c> and <c>f</c>… for fractions. One letter accepts one or
/// two digits, two letters exactly two; any other character must appear as written.
/// </remarks>
public sealed class CsvTimestampMapping
{
    /// <summary>How the timestamp is written.</summary>
    /// <value>Default <see cref="TimestampFormat.Auto"/>.</value>
    public TimestampFormat Format { get; set; } = TimestampFormat.Auto;

    /// <summary>Header name of the timestamp column (every format but <see cref="TimestampFormat.DateAndTime"/>).</summary>
    /// <value>Default <c>timestamp</c>.</value>
    public string? Column { get; set; } = "timestamp";

    /// <summary>Header name of the date column (<see cref="TimestampFormat.DateAndTime"/> only).</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? DateColumn { get; set; }

    /// <summary>Pattern of the date column, e.g. <c>d/M/yyyy</c>.</summary>
    /// <value>Default <c>yyyy-MM-dd</c>.</value>
    public string DateFormat { get; set; } = "yyyy-MM-dd";

    /// <summary>Header name of the time-of-day column (<see cref="TimestampFormat.DateAndTime"/> only).</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? TimeColumn { get; set; }

    /// <summary>Pattern of the time column, e.g. <c>HH:mm:ss</c>.</summary>
    /// <value>Default <c>HH:mm:ss</c>.</value>
    public string TimeFormat { get; set; } = "HH:mm:ss";

    /// <summary>Fixed offset of the wall-clock times from UTC, e.g. <c>-03:00</c>; ignored when <see cref="TimeZone"/> is set.</summary>
    /// <value>Default <see cref="TimeSpan.Zero"/> (times are UTC).</value>
    public TimeSpan UtcOffset { get; set; }

    /// <summary>IANA time zone of the wall-clock times, e.g. <c>America/Sao_Paulo</c>, with its daylight-saving rules.</summary>
    /// <value>Default <see langword="null"/>: <see cref="UtcOffset"/> applies.</value>
    public string? TimeZone { get; set; }
}
