using System.Text.Json.Serialization;

namespace Telematics.Features.Imu;

/// <summary>The axes a phone's sensor readings are expressed in.</summary>
public enum SensorFrame
{
    /// <summary>The phone's own axes (x right, y up the screen, z out of the screen); the mounting is unknown.</summary>
    [JsonStringEnumMemberName("device")]
    Device = 0,

    /// <summary>East-North-Up, rotated by the OS: z is vertical, the vehicle's heading is unknown and changes with every turn.</summary>
    [JsonStringEnumMemberName("earth")]
    Earth = 1,
}
