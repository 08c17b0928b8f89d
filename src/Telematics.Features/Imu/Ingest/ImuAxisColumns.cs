namespace Telematics.Features.Imu.Ingest;

/// <summary>The three column names of one sensor in a log file.</summary>
public sealed class ImuAxisColumns
{
    /// <summary>x column.</summary>
    /// <value>Default <c>x</c>, as per-sensor loggers write.</value>
    public string X { get; set; } = "x";

    /// <summary>y column.</summary>
    /// <value>Default <c>y</c>.</value>
    public string Y { get; set; } = "y";

    /// <summary>z column.</summary>
    /// <value>Default <c>z</c>.</value>
    public string Z { get; set; } = "z";
}
