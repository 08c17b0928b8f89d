namespace Telematics.Features.Samples;

/// <summary>One GPS/IMU reading in row form, for building and inspecting runs of samples.</summary>
/// <remarks>
/// Hot paths work on <see cref="SampleBuffer"/> columns instead. Every field but the timestamp and the
/// position may be missing: missing floating-point values are <see cref="float.NaN"/>, a missing road class is
/// <see cref="RoadClass.Unknown"/>.
/// </remarks>
/// <param name="TimestampUnixMs">Instant of the reading, milliseconds since the Unix epoch, UTC.</param>
/// <param name="LatitudeDeg">WGS84 latitude in degrees, -90 to 90.</param>
/// <param name="LongitudeDeg">WGS84 longitude in degrees, -180 to 180.</param>
public readonly record struct TelematicsSample(long TimestampUnixMs, double LatitudeDeg, double LongitudeDeg)
{
    /// <summary>Ground speed in metres per second, or NaN when missing.</summary>
    public float SpeedMps { get; init; } = float.NaN;

    /// <summary>Course over ground in degrees clockwise from true north (0 to 360), or NaN when missing.</summary>
    public float HeadingDeg { get; init; } = float.NaN;

    /// <summary>Longitudinal acceleration in the vehicle frame, m/s², positive forwards, or NaN when missing.</summary>
    public float LongitudinalAccelMps2 { get; init; } = float.NaN;

    /// <summary>Lateral acceleration in the vehicle frame, m/s², positive to the left, or NaN when missing.</summary>
    public float LateralAccelMps2 { get; init; } = float.NaN;

    /// <summary>Horizontal GPS accuracy (radius) in metres, or NaN when missing.</summary>
    public float GpsAccuracyM { get; init; } = float.NaN;

    /// <summary>Posted speed limit in metres per second, or NaN when not known.</summary>
    public float SpeedLimitMps { get; init; } = float.NaN;

    /// <summary>Class of the road, or <see cref="RoadClass.Unknown"/>.</summary>
    public RoadClass RoadClass { get; init; }

    /// <summary>Phone-use observations.</summary>
    public SampleFlags Flags { get; init; }

    /// <summary>Identifier of the event assigned by the source device, or 0 when the source has none.</summary>
    /// <remarks>Storage treats (driver, event id, timestamp) as the identity of an event.</remarks>
    public long EventId { get; init; }
}
