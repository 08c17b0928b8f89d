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

/// <summary>Sign of acceleration columns: which way gravity's 1 g points at rest.</summary>
public enum ImuAccelerationConvention
{
    /// <summary>Specific force, as Android and most loggers write it: +1 g on the upward axis at rest.</summary>
    [JsonStringEnumMemberName("android")]
    Android = 0,

    /// <summary>
    /// iOS Core Motion's raw acceleration (and its user acceleration): the negative of Android's, −1 g on the upward axis
    /// at rest. Negated on reading; its rotation rate is right-handed like Android's and is read as it is.
    /// </summary>
    [JsonStringEnumMemberName("ios")]
    Ios = 1,
}
