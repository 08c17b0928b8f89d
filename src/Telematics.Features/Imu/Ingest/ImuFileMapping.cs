namespace Telematics.Features.Imu.Ingest;

/// <summary>
/// One log file of a recording and the sensors it holds: one sensor (a per-sensor file, <c>time,x,y,z</c>) or several
/// (a merged file; a row may leave a sensor's three columns empty when it has no reading of it).
/// </summary>
public sealed class ImuFileMapping
{
    /// <summary>File name within the recording's directory.</summary>
    /// <value>Required.</value>
    public string Name { get; set; } = string.Empty;

    /// <summary>Time column of this file when it differs from the mapping's <see cref="ImuTimeMapping.Column"/>.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? TimeColumn { get; set; }

    /// <summary>Accelerometer (with gravity) columns, or <see langword="null"/>.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public ImuAxisColumns? Accelerometer { get; set; }

    /// <summary>Linear acceleration (without gravity) columns, or <see langword="null"/>.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public ImuAxisColumns? LinearAcceleration { get; set; }

    /// <summary>Gyroscope columns, or <see langword="null"/>.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public ImuAxisColumns? Gyroscope { get; set; }

    /// <summary>Magnetometer columns, or <see langword="null"/>.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public ImuAxisColumns? Magnetometer { get; set; }

    /// <summary>GPS columns, or <see langword="null"/>.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public GpsColumns? Gps { get; set; }

    internal ImuAxisColumns? Columns(ImuSensor sensor) => sensor switch
    {
        ImuSensor.Accelerometer => Accelerometer,
        ImuSensor.LinearAcceleration => LinearAcceleration,
        ImuSensor.Gyroscope => Gyroscope,
        _ => Magnetometer,
    };
}
