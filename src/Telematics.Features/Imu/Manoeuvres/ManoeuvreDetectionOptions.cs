namespace Telematics.Features.Imu.Manoeuvres;

/// <summary>Thresholds of <see cref="ManoeuvreDetector"/>; each default gives its source.</summary>
public sealed class ManoeuvreDetectionOptions
{
    /// <summary>Deceleration that makes harsh braking, m/s² (positive).</summary>
    /// <value>
    /// Default 3.1 m/s² (0.32 g): inside the 0.3–0.4 g band of insurer programmes and the naturalistic-driving literature
    /// for harsh braking, above the firmest everyday stop (a driver braking for lights rarely exceeds 0.29 g) and well
    /// below an emergency stop (0.8–0.9 g), so a harsh but not full stop is found.
    /// </value>
    public double BrakingMps2 { get; init; } = 3.1;

    /// <summary>Acceleration that makes harsh acceleration, m/s².</summary>
    /// <value>
    /// Default 2.65 m/s² (0.27 g), a product decision within the 0.25–0.3 g band of the literature: an ordinary family
    /// car at full throttle reaches only 0.25–0.4 g (0–100 km/h in 10 s averages 2.8 m/s²), while calm pulling away is
    /// 0.1–0.2 g; a threshold equal to braking's would leave most cars unable to accelerate harshly at all.
    /// </value>
    public double AccelerationMps2 { get; init; } = 2.65;

    /// <summary>Lateral acceleration that makes a harsh turn, m/s².</summary>
    /// <value>
    /// Default 3.0 m/s² (0.31 g): the low end of the literature's 0.3–0.4 g harsh-cornering band, above the 0.1–0.25 g
    /// drivers choose in ordinary turns; a junction taken at 0.5–0.9 rad/s and 4–11 m/s (a sharp turn) reaches 0.35–0.55 g.
    /// </value>
    public double TurnMps2 { get; init; } = 3.0;

    /// <summary>Lateral acceleration each half of an aggressive lane change must reach, m/s².</summary>
    /// <value>
    /// Default 2.5 m/s² (0.25 g): physics of a 3.5 m lane change with a sinusoidal steering swing, whose peak lateral
    /// acceleration is 2π·3.5 m / T²: 2.4 m/s² when done in T = 3 s, 1.4 m/s² in a calm 4 s, 5.5 m/s² in a swerve of 2 s.
    /// </value>
    public double LaneChangeMps2 { get; init; } = 2.5;

    /// <summary>How long a harsh braking, acceleration or turn must stay beyond its threshold, seconds.</summary>
    /// <value>Default 0.5 s: the SDK's sustain time for harsh events, so a pothole's jolt is not a manoeuvre.</value>
    public double MinDurationSeconds { get; init; } = 0.5;

    /// <summary>How long each half of a lane change must stay beyond <see cref="LaneChangeMps2"/>, seconds.</summary>
    /// <value>Default 0.3 s: each half of a 2–3 s swing stays above half its peak for over 0.6 s.</value>
    public double LaneChangeHalfSeconds { get; init; } = 0.3;

    /// <summary>Longest half of a lane change, seconds (from where it passes half of <see cref="LaneChangeMps2"/> to where it falls back).</summary>
    /// <value>Default 2.5 s: a lane change sharp enough to pass the threshold (a swing of under 3 s) has halves of at most 1.5 s; longer swings are bends of the road (an S-bend).</value>
    public double LaneChangeMaxHalfSeconds { get; init; } = 2.5;

    /// <summary>Longest gap between the two halves of a lane change, seconds.</summary>
    /// <value>Default 2 s: "within a few seconds"; the halves of a sinusoidal swing touch.</value>
    public double LaneChangeMaxGapSeconds { get; init; } = 2;

    /// <summary>Largest net heading change over a lane change, degrees (a turn changes heading, a lane change returns to it).</summary>
    /// <value>Default 15°.</value>
    public double LaneChangeMaxHeadingDeg { get; init; } = 15;

    /// <summary>Smallest heading change over a harsh turn, degrees, in the direction of its lateral acceleration.</summary>
    /// <value>Default 15°: a turn turns; lateral acceleration without it is the phone or the road, not a turn.</value>
    public double TurnMinHeadingDeg { get; init; } = 15;

    /// <summary>Events of one kind closer than this merge into one, seconds.</summary>
    /// <value>Default 3 s: the SDK's merge gap for harsh events.</value>
    public double MergeSeconds { get; init; } = 3;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first threshold that is not positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is zero, negative or not a number.</exception>
    public void Validate()
    {
        Positive(BrakingMps2, nameof(BrakingMps2));
        Positive(AccelerationMps2, nameof(AccelerationMps2));
        Positive(TurnMps2, nameof(TurnMps2));
        Positive(LaneChangeMps2, nameof(LaneChangeMps2));
        Positive(MinDurationSeconds, nameof(MinDurationSeconds));
        Positive(LaneChangeHalfSeconds, nameof(LaneChangeHalfSeconds));
        Positive(LaneChangeMaxHalfSeconds, nameof(LaneChangeMaxHalfSeconds));
        Positive(LaneChangeMaxGapSeconds, nameof(LaneChangeMaxGapSeconds));
        Positive(LaneChangeMaxHeadingDeg, nameof(LaneChangeMaxHeadingDeg));
        Positive(TurnMinHeadingDeg, nameof(TurnMinHeadingDeg));
        Positive(MergeSeconds, nameof(MergeSeconds));
    }

    private static void Positive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be a positive number.");
        }
    }
}
