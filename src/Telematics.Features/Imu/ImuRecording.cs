using Telematics.Features.Imu.Ingest;

namespace Telematics.Features.Imu;

/// <summary>
/// One phone recording: a series per sensor (empty when the phone did not log it), the frame they are expressed in,
/// and whether times are Unix epoch or a monotonic clock. Reusable: <see cref="Clear"/> keeps the buffers.
/// </summary>
public sealed class ImuRecording
{
    private readonly ImuSeries[] _series = [new(), new(), new(), new()];

    /// <summary>The axes of every series.</summary>
    public SensorFrame Frame { get; set; }

    /// <summary><see langword="true"/> when times are nanoseconds since the Unix epoch; false for a monotonic (since boot) clock. <see cref="ImuLogReader.Complete"/> sets it once for the whole recording.</summary>
    public bool IsEpochTime { get; set; } = true;

    /// <summary>Accelerometer readings including gravity (m/s²).</summary>
    public ImuSeries Accelerometer => _series[(int)ImuSensor.Accelerometer];

    /// <summary>Linear acceleration without gravity (m/s²).</summary>
    public ImuSeries LinearAcceleration => _series[(int)ImuSensor.LinearAcceleration];

    /// <summary>Gyroscope readings (rad/s).</summary>
    public ImuSeries Gyroscope => _series[(int)ImuSensor.Gyroscope];

    /// <summary>Magnetometer readings (µT).</summary>
    public ImuSeries Magnetometer => _series[(int)ImuSensor.Magnetometer];

    /// <summary>GPS fixes, if the phone logged them (optional).</summary>
    public GpsSeries Gps { get; } = new();

    /// <summary>The series of one sensor.</summary>
    /// <param name="sensor">Which sensor.</param>
    /// <returns>Its series (possibly empty).</returns>
    public ImuSeries this[ImuSensor sensor] => _series[(int)sensor];

    /// <summary>What each file read added, until <see cref="ImuLogReader.Complete"/> judges the recording as a whole.</summary>
    internal List<ImuReadSpan> Unfinished { get; } = [];

    /// <summary>The file whose readings set <see cref="IsEpochTime"/>, or null before any file with readings was judged.</summary>
    internal string? ClockFile { get; set; }

    /// <summary>Empties every series, keeping their buffers.</summary>
    public void Clear()
    {
        foreach (var series in _series)
        {
            series.Clear();
        }

        Gps.Clear();
        Unfinished.Clear();
        ClockFile = null;
    }
}
