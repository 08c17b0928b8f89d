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

    /// <summary>Shortest movement between two fixes that a heading is derived from, metres.</summary>
    /// <value>Default 3 m: below a typical 3–5 m GPS fix error the bearing between fixes is mostly noise.</value>
    public double MinHeadingDistanceM { get; init; } = 3.0;

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
    }
}
