namespace Telematics.Features.Derivation;

/// <summary>Limits of <see cref="MotionDeriver"/>.</summary>
public sealed record MotionDerivationOptions
{
    /// <summary>The defaults documented on each property.</summary>
    public static MotionDerivationOptions Default { get; } = new();

    /// <summary>Longest interval between two samples that a derivative is taken over, seconds.</summary>
    /// <value>Default 10 s: ten missed fixes at 1 Hz; over longer gaps a finite difference no longer describes one manoeuvre.</value>
    public double MaxIntervalS { get; init; } = 10.0;

    /// <summary>
    /// Longest interval between two fixes that a missing speed is derived over (distance over time), seconds; when
    /// <see cref="MaxIntervalS"/> is longer, that is used. Heading and accelerations are derived only over
    /// <see cref="MaxIntervalS"/>.
    /// </summary>
    /// <value>
    /// Default 120 s: fleet trackers without a speed field report every 15–60 s while moving, and without a speed
    /// their streams made no trips (a missing speed counts as stationary). An average over up to two minutes is enough
    /// to tell driving from standing, which is what trip segmentation needs; it says nothing about one manoeuvre, and
    /// the features treat such intervals as GPS gaps (see <c>FeatureExtractionOptions.GpsGapS</c>). Beyond two
    /// reporting intervals of the slowest common tracker the fixes are more likely a gap than a report rate.
    /// </value>
    public double MaxSpeedIntervalS { get; init; } = 120.0;

    /// <summary>
    /// Shortest movement between two fixes that a heading is derived from, and that a change of a given heading is
    /// turned into a lateral acceleration over, metres.
    /// </summary>
    /// <value>
    /// Default 3 m: below a typical 3–5 m GPS fix error the bearing between fixes is mostly noise, and so is the heading
    /// a GPS receiver reports when it barely moves (it swings by 180° and more while the car pulls away). Under it a
    /// derived heading keeps its last value (no yaw) and a given heading gives no lateral acceleration (NaN). For a given
    /// heading the movement is the mean of the two speeds times the interval.
    /// </value>
    public double MinHeadingDistanceM { get; init; } = 3.0;

    /// <summary>
    /// Tightest radius a vehicle turns on, metres: a heading change faster than the speed over this radius (yaw rate
    /// above v / r, at the higher speed of the interval) is physically impossible and gives no lateral acceleration (NaN).
    /// </summary>
    /// <value>
    /// Default 4 m: a passenger car's turning circle is 10–12 m kerb to kerb, so its centre turns on no less than about
    /// 4.5 m; 4 m leaves a margin so that no real turn is refused. It refuses the heading swings of a receiver at walking
    /// pace (at 7 km/h no more than 28°/s), which otherwise read as harsh cornering.
    /// </value>
    public double MinTurningRadiusM { get; init; } = 4.0;

    /// <summary>
    /// Largest lateral acceleration that is derived from a heading change, m/s²: a larger value (speed × yaw rate) is
    /// beyond what tyres allow, so the heading change is a measurement error and gives NaN rather than an event.
    /// </summary>
    /// <value>
    /// Default 9.81 m/s² (1 g): road tyres on dry asphalt grip up to about 0.8–1.0 g. With <see cref="MinTurningRadiusM"/>
    /// it bounds the yaw rate at every speed below about 80°/s, so a heading change of 90° or more in one second is
    /// always refused.
    /// </value>
    public double MaxLateralAccelMps2 { get; init; } = 9.81;

    /// <summary>
    /// GPS position error assumed where a fix gives no accuracy, metres: a speed derived from positions (no speed given)
    /// reads as standing while the fixes stay within this distance (or the fix's own accuracy, where given) of where
    /// the vehicle came to rest, so that jitter while parked is not motion.
    /// </summary>
    /// <value>
    /// Default 5 m: a consumer GPS fix's typical horizontal error under open sky (about 3–5 m, 95 %); a parked receiver's
    /// fixes wander within it. Rest begins where a derived speed falls below this distance per 5 s (1 m/s with the
    /// default), the pace at which trip segmentation counts a vehicle as stationary anyway; a fix's own accuracy only
    /// widens the radius a resting vehicle must leave, never this pace, so a crawl logged at 20 m accuracy still moves.
    /// </value>
    public double PositionNoiseM { get; init; } = 5.0;

    /// <summary>
    /// Largest longitudinal acceleration or deceleration believed from a speed derived from positions, m/s²: a larger
    /// speed change is a position glitch (a fix that jumped), so that fix's derived speed and acceleration are missing
    /// (NaN) rather than an event, and the next fix derives no acceleration from it.
    /// </summary>
    /// <value>
    /// Default 9.81 m/s² (1 g): road tyres on dry asphalt grip up to about 0.8–1.0 g, so no car brakes harder, and no
    /// ordinary car accelerates at even half of it. A change is judged over at least one second, since above 1 Hz a few
    /// decimetres of jitter move a per-step speed by more than grip allows in that step. Speeds given in the input are
    /// never checked against it.
    /// </value>
    public double MaxDerivedLongitudinalAccelMps2 { get; init; } = 9.81;

    /// <summary>Checks every limit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive.</exception>
    public void Validate()
    {
        if (!(MaxIntervalS > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxIntervalS), MaxIntervalS, "Must be greater than 0.");
        }

        if (!(MaxSpeedIntervalS > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSpeedIntervalS), MaxSpeedIntervalS, "Must be greater than 0.");
        }

        if (!(MinHeadingDistanceM >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MinHeadingDistanceM), MinHeadingDistanceM, "Must be 0 or more.");
        }

        if (!(MinTurningRadiusM > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MinTurningRadiusM), MinTurningRadiusM, "Must be greater than 0.");
        }

        if (!(MaxLateralAccelMps2 > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxLateralAccelMps2), MaxLateralAccelMps2, "Must be greater than 0.");
        }

        if (!(PositionNoiseM >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(PositionNoiseM), PositionNoiseM, "Must be 0 or more.");
        }

        if (!(MaxDerivedLongitudinalAccelMps2 > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDerivedLongitudinalAccelMps2), MaxDerivedLongitudinalAccelMps2, "Must be greater than 0.");
        }
    }
}
