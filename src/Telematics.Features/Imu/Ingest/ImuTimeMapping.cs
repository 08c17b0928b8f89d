namespace Telematics.Features.Imu.Ingest;

/// <summary>Where and how a phone sensor log writes the time of each reading.</summary>
public sealed class ImuTimeMapping
{
    /// <summary>Time column name.</summary>
    /// <value>Default <c>time</c>.</value>
    public string Column { get; set; } = "time";

    /// <summary>How times are written.</summary>
    /// <value>Default <see cref="ImuTimeFormat.Auto"/>.</value>
    public ImuTimeFormat Format { get; set; } = ImuTimeFormat.Auto;

    /// <summary>Layout for <see cref="ImuTimeFormat.Pattern"/>: <c>dd</c> <c>MM</c> <c>yyyy</c> <c>HH</c> <c>mm</c> <c>ss</c> <c>fff</c>, other characters literal.</summary>
    /// <value>Default <c>dd/MM/yyyy HH:mm:ss</c>.</value>
    public string Pattern { get; set; } = "dd/MM/yyyy HH:mm:ss";

    /// <summary>Fixed UTC offset of wall-clock times (ISO without offset, pattern).</summary>
    /// <value>Default zero (UTC).</value>
    public TimeSpan UtcOffset { get; set; }

    /// <summary>IANA zone of wall-clock times; wins over <see cref="UtcOffset"/>.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? TimeZone { get; set; }
}
