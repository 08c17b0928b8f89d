using Telematics.Features.Imu;

namespace Telematics.Training.Synthetic.Phone;

/// <summary>What <see cref="PhoneSensorSimulator"/> records: mounting, frame, rate, and how many manoeuvres of each kind.</summary>
public sealed class PhoneSimulationOptions
{
    /// <summary>Where the phone rides.</summary>
    /// <value>Default <see cref="PhoneMounting.Dashboard"/>.</value>
    public PhoneMounting Mounting { get; init; } = PhoneMounting.Dashboard;

    /// <summary>Frame of the output readings.</summary>
    /// <value>Default <see cref="SensorFrame.Device"/>.</value>
    public SensorFrame Frame { get; init; } = SensorFrame.Device;

    /// <summary>Mean sampling rate, Hz (10–200); intervals jitter by ±10%.</summary>
    /// <value>Default 50 Hz, a common Android "game" rate.</value>
    public double RateHz { get; init; } = 50;

    /// <summary>Aggressive manoeuvres of each of the six kinds.</summary>
    /// <value>Default 4.</value>
    public int AggressivePerKind { get; init; } = 4;

    /// <summary>Calm manoeuvres of each kind (gentle stop, firm braking, normal left/right turn, gentle left/right lane change) that must not be flagged.</summary>
    /// <value>Default 3.</value>
    public int CalmPerKind { get; init; } = 3;

    /// <summary>Times the phone is picked up, used and put back while cruising.</summary>
    /// <value>Default 2.</value>
    public int Handlings { get; init; } = 2;

    /// <summary>Whether the phone is moved to a new mounting once mid-trip (the frame must be estimated afresh).</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool MoveMidTrip { get; init; }

    /// <summary>Whether the phone also logs 1 Hz GPS fixes (position and speed with 0.2 m/s noise).</summary>
    /// <value>Default <see langword="false"/>, as in the recordings this is built for.</value>
    public bool Gps { get; init; }

    /// <summary>A straight road: only braking and acceleration, no turns, lane changes or bends (the forward direction can then be signed by GPS only).</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool StraightRoad { get; init; }

    /// <summary>Chance per second that the recording has a gap of 0.2–3 s.</summary>
    /// <value>Default 0.003 (a few gaps per trip).</value>
    public double GapChancePerSecond { get; init; } = 0.003;

    /// <summary>
    /// Tilt of the Earth-frame gyroscope's axes relative to the vehicle, degrees (Earth frame only; 0 for none): the
    /// rates are turned by this angle about a horizontal axis fixed to the car before the heading rotation, as a logger
    /// whose rotation vector is off the true vertical does, so part of the yaw leaks into x/y (sin of the tilt) and z
    /// under-reads it (cos of the tilt).
    /// </summary>
    /// <value>Default 0; 20–35° reproduces what OS-rotated phone logs can carry.</value>
    public double EarthGyroAxisTiltDeg { get; init; }

    /// <summary>Standard deviation of band-limited (8–16 Hz) horizontal vibration while driving, m/s² (0 for none beyond the engine's and the road's small noise).</summary>
    /// <value>Default 0; 0.5–1.5 m/s² is what a phone in a car reads while cruising.</value>
    public double HorizontalVibrationMps2 { get; init; }

    /// <summary>Stretches of rough road (5–20 s each, horizontal vibration of 3 m/s² per reading, aliased to white) in the trip.</summary>
    /// <value>Default 0.</value>
    public int RoughPatches { get; init; }

    /// <summary>Trip start, nanoseconds since the Unix epoch.</summary>
    /// <value>Default 2026-03-16T08:00:00Z.</value>
    public long StartNs { get; init; } = 1_773_648_000_000_000_000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        if (!(RateHz is >= 10 and <= 200))
        {
            throw new ArgumentOutOfRangeException(nameof(RateHz), RateHz, "Must be within 10–200 Hz.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(AggressivePerKind);
        ArgumentOutOfRangeException.ThrowIfNegative(CalmPerKind);
        ArgumentOutOfRangeException.ThrowIfNegative(Handlings);
        if (!(EarthGyroAxisTiltDeg is >= 0 and <= 60))
        {
            throw new ArgumentOutOfRangeException(nameof(EarthGyroAxisTiltDeg), EarthGyroAxisTiltDeg, "Must be within 0–60°.");
        }

        if (!(HorizontalVibrationMps2 is >= 0 and <= 5))
        {
            throw new ArgumentOutOfRangeException(nameof(HorizontalVibrationMps2), HorizontalVibrationMps2, "Must be within 0–5 m/s².");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(RoughPatches);
        if (!(GapChancePerSecond is >= 0 and <= 0.1))
        {
            throw new ArgumentOutOfRangeException(nameof(GapChancePerSecond), GapChancePerSecond, "Must be within 0–0.1.");
        }
    }
}
