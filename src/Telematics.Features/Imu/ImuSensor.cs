namespace Telematics.Features.Imu;

/// <summary>A phone motion sensor, as Android and iOS loggers name them.</summary>
public enum ImuSensor
{
    /// <summary>Specific force including gravity (m/s²): about +9.81 upwards at rest.</summary>
    Accelerometer = 0,

    /// <summary>Acceleration without gravity (m/s²), the OS's "linear acceleration" / "user acceleration".</summary>
    LinearAcceleration = 1,

    /// <summary>Angular rate (rad/s), counter-clockwise positive about each axis.</summary>
    Gyroscope = 2,

    /// <summary>Magnetic field (µT); read and kept, not needed for detection.</summary>
    Magnetometer = 3,
}
