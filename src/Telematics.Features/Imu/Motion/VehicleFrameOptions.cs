namespace Telematics.Features.Imu.Motion;

/// <summary>How <see cref="VehicleFrameEstimator"/> turns phone readings into the vehicle's motion. Every default is physics, not a fit to data.</summary>
public sealed class VehicleFrameOptions
{
    /// <summary>Width of the time grid's bins in seconds; readings are averaged per bin (an anti-alias low-pass for engine vibration).</summary>
    /// <value>Default 0.1 s: manoeuvres last seconds, so 10 Hz keeps their shape while averaging 25–200 Hz readings.</value>
    public double BinSeconds { get; init; } = 0.1;

    /// <summary>Longest gap bridged by holding the last reading; longer gaps break the motion (nothing spans them).</summary>
    /// <value>Default 0.5 s: shorter than the 0.5 s a harsh event must last, so a bridged gap cannot make one.</value>
    public double MaxBridgedGapSeconds { get; init; } = 0.5;

    /// <summary>Half-width of the window whose mean accelerometer reading is gravity (device frame).</summary>
    /// <value>Default 20 s: braking 4 m/s² for 3 s then tilts it by under 2°, while a phone sliding in a holder is followed.</value>
    public double GravityWindowSeconds { get; init; } = 20;

    /// <summary>
    /// Half-width of the window the forward direction is estimated over in the Earth frame, where it is carried from
    /// turn to turn by the integrated yaw rate; doubled up to three times while the window holds too few turns.
    /// </summary>
    /// <value>Default 60 s: the gyroscope's bias is removed first (the mode of the near-zero yaw rates while the phone stays put, or else of the whole trip's), and what noise leaves of it (≤ 0.005 rad/s) drifts under 20° in that time.</value>
    public double ForwardWindowSeconds { get; init; } = 60;

    /// <summary>Yaw rate below which the vehicle counts as driving straight (its acceleration is then along its axis).</summary>
    /// <value>Default 0.03 rad/s (1.7°/s): a bend at 25 m/s then still adds 0.75 m/s² sideways, so the axis from straight driving is checked against the turns'.</value>
    public double StraightYawRateRadS { get; init; } = 0.03;

    /// <summary>Horizontal acceleration above which a straight bin tells the forward axis (weaker is mostly noise and road slope).</summary>
    /// <value>Default 0.8 m/s²: above road slope, sensor bias and the sway of cruising.</value>
    public double AxisAccelerationMps2 { get; init; } = 0.8;

    /// <summary>Turning needed in a window to tell forward from backward: the integral of |horizontal acceleration| × |yaw rate| (m/s² · rad).</summary>
    /// <value>Default 1.0: one ordinary 90° turn at 2 m/s² gives about 3.</value>
    public double MinTurnEvidence { get; init; } = 1.0;

    /// <summary>GPS speed change needed in a window to sign the forward direction without turns: the integral of |horizontal acceleration| × |speed change rate| (m²/s⁴ · s).</summary>
    /// <value>Default 5: one firm stop (2.5 m/s² for 2 s) gives about 12.</value>
    public double MinSpeedChangeEvidence { get; init; } = 5;

    /// <summary>Rotation rate about horizontal axes above which the phone, not the vehicle, is turning (handled or moved).</summary>
    /// <value>Default 0.35 rad/s (20°/s): a car's pitch and roll rates stay below it except over a sharp bump.</value>
    public double HandlingRateRadS { get; init; } = 0.35;

    /// <summary>Rotation a spell above <see cref="HandlingRateRadS"/> must add up to, so bumps (a few degrees back and forth) are not handling.</summary>
    /// <value>Default 0.35 rad (20°).</value>
    public double HandlingAngleRad { get; init; } = 0.35;

    /// <summary>Yaw rate no car reaches: above it the phone is spinning in its holder or in a hand.</summary>
    /// <value>Default 1.2 rad/s: a U-turn of 5 m radius at 5 m/s is 1 rad/s.</value>
    public double MaxVehicleYawRateRadS { get; init; } = 1.2;

    /// <summary>Time added before and after a handling spell: the hand moves the phone before and after it rotates.</summary>
    /// <value>Default 1 s.</value>
    public double HandlingMarginSeconds { get; init; } = 1.0;

    /// <summary>Handling spells closer than this are one span: a phone held still in the hand for a few seconds is still in the hand.</summary>
    /// <value>Default 5 s.</value>
    public double HandlingMergeSeconds { get; init; } = 5;

    /// <summary>Change of the vertical in the phone's axes across a handling span above which the phone was put back differently (remounted).</summary>
    /// <value>Default 10°.</value>
    public double RemountAngleDeg { get; init; } = 10;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of its range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range or not a number.</exception>
    public void Validate()
    {
        Check(BinSeconds, 0.01, 1.0, nameof(BinSeconds));
        Check(MaxBridgedGapSeconds, 0.0, 5.0, nameof(MaxBridgedGapSeconds));
        Check(GravityWindowSeconds, 1.0, 600.0, nameof(GravityWindowSeconds));
        Check(ForwardWindowSeconds, 5.0, 3600.0, nameof(ForwardWindowSeconds));
        Check(StraightYawRateRadS, 0.0, 1.0, nameof(StraightYawRateRadS));
        Check(AxisAccelerationMps2, 0.0, 10.0, nameof(AxisAccelerationMps2));
        Check(MinTurnEvidence, 0.0, 100.0, nameof(MinTurnEvidence));
        Check(MinSpeedChangeEvidence, 0.0, 1000.0, nameof(MinSpeedChangeEvidence));
        Check(HandlingRateRadS, 0.05, 10.0, nameof(HandlingRateRadS));
        Check(HandlingAngleRad, 0.0, 10.0, nameof(HandlingAngleRad));
        Check(MaxVehicleYawRateRadS, 0.5, 10.0, nameof(MaxVehicleYawRateRadS));
        Check(HandlingMarginSeconds, 0.0, 10.0, nameof(HandlingMarginSeconds));
        Check(HandlingMergeSeconds, 0.0, 60.0, nameof(HandlingMergeSeconds));
        Check(RemountAngleDeg, 1.0, 90.0, nameof(RemountAngleDeg));
    }

    private static void Check(double value, double min, double max, string name)
    {
        if (!(value >= min && value <= max))
        {
            throw new ArgumentOutOfRangeException(name, value, $"Must be within {min}–{max}.");
        }
    }
}
