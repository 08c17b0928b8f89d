namespace Telematics.Features.Imu.Ingest;

/// <summary>The GPS columns of a phone log file: position in degrees and, optionally, speed in m/s.</summary>
public sealed class GpsColumns
{
    /// <summary>Latitude column (degrees).</summary>
    /// <value>Default <c>latitude</c>.</value>
    public string Latitude { get; set; } = "latitude";

    /// <summary>Longitude column (degrees).</summary>
    /// <value>Default <c>longitude</c>.</value>
    public string Longitude { get; set; } = "longitude";

    /// <summary>Speed column (m/s, as Android's <c>Location.getSpeed</c>), or <see langword="null"/> when the file has none.</summary>
    /// <value>Default <c>speed</c>; a header without it reads fixes without speed.</value>
    public string? Speed { get; set; } = "speed";

    /// <summary>
    /// Texts (compared exactly after trimming) that mean "no speed" in the speed column: a logger's marker for an invalid
    /// speed, such as the <c>-1</c> iOS (Sensor Logger's <c>Location.csv</c>) writes. Any other negative speed is a bad record.
    /// </summary>
    /// <value>Default empty.</value>
    public IList<string> SpeedMissingValues { get; set; } = [];
}
