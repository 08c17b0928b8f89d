using System.Text.Json.Serialization;

namespace Telematics.Features.Imu.Ingest;

/// <summary>Unit of acceleration columns.</summary>
public enum ImuAccelerationUnit
{
    /// <summary>Metres per second squared (Android).</summary>
    [JsonStringEnumMemberName("mps2")]
    Mps2 = 0,

    /// <summary>Standard gravity, 9.80665 m/s² (iOS Core Motion).</summary>
    [JsonStringEnumMemberName("g")]
    G = 1,
}

/// <summary>Unit of gyroscope columns.</summary>
public enum ImuRotationUnit
{
    /// <summary>Radians per second (Android, iOS).</summary>
    [JsonStringEnumMemberName("rad_s")]
    RadS = 0,

    /// <summary>Degrees per second (some loggers and IMU boards).</summary>
    [JsonStringEnumMemberName("deg_s")]
    DegS = 1,
}
