namespace Telematics.Features.Imu.Motion;

/// <summary>What is known of one bin of <see cref="VehicleMotion"/>.</summary>
[Flags]
public enum MotionFlags : byte
{
    /// <summary>No readings: a gap in the recording.</summary>
    None = 0,

    /// <summary>The bin has acceleration and rotation readings.</summary>
    Valid = 1,

    /// <summary>The phone was being handled or moved: its own motion masks the vehicle's, so the bin is not scored.</summary>
    Handling = 2,

    /// <summary>The vehicle's forward direction could not be told from the data around the bin (no turns to sign it); not scored.</summary>
    FrameUnresolved = 4,
}
