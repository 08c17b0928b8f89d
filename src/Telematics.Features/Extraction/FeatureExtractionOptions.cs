using Telematics.Features.Areas;

namespace Telematics.Features.Extraction;

/// <summary>Thresholds of trip feature extraction (<see cref="TripFeatureAccumulator"/>).</summary>
public sealed record FeatureExtractionOptions
{
    /// <summary>The defaults documented on each property.</summary>
    public static FeatureExtractionOptions Default { get; } = new();

    /// <summary>Speeds at or above this count as moving, m/s.</summary>
    /// <value>Default 1.0 m/s (3.6 km/h), the same as the trip segmenter's stationary threshold.</value>
    public float MovingSpeedMps { get; init; } = 1.0f;

    /// <summary>An interval between samples longer than this is a GPS gap, seconds.</summary>
    /// <value>Default 5 s: five missed fixes at the usual 1 Hz; gap time counts in the trip but not in speed, behaviour or phone shares.</value>
    public double GpsGapS { get; init; } = 5.0;

    /// <summary>Longitudinal acceleration at or below this is harsh braking, m/s².</summary>
    /// <value>Default −3.4 m/s² ≈ −0.35 g: the hard-brake threshold of Allstate Drivewise and Progressive Snapshot (~7–8 mph/s).</value>
    public float HarshBrakingMps2 { get; init; } = -3.4f;

    /// <summary>Longitudinal acceleration at or above this is rapid acceleration, m/s².</summary>
    /// <value>Default +3.4 m/s² ≈ 0.35 g: the same magnitude as hard braking, as in the Drivewise and Snapshot programmes.</value>
    public float RapidAccelerationMps2 { get; init; } = 3.4f;

    /// <summary>Absolute lateral acceleration at or above this is harsh cornering, m/s².</summary>
    /// <value>Default 3.9 m/s² ≈ 0.4 g: the usual harsh-cornering threshold in UBI studies; comfortable cornering stays below 0.3 g.</value>
    public float HarshCorneringMps2 { get; init; } = 3.9f;

    /// <summary>A threshold must be exceeded for at least this long to make an event, seconds.</summary>
    /// <value>Default 0.5 s (the product design): filters pot-holes and sensor spikes.</value>
    public double MinEventDurationS { get; init; } = 0.5;

    /// <summary>Events of one kind closer than this are merged into one, seconds.</summary>
    /// <value>Default 3 s (the product design): one manoeuvre that dips under the threshold is one event.</value>
    public double EventMergeGapS { get; init; } = 3.0;

    /// <summary>Speeding tolerance where the limit is at most <see cref="ToleranceSwitchLimitKmh"/>, km/h.</summary>
    /// <value>Default 15 km/h (the product design), above the 3–7 km/h enforcement margins so that only clear speeding counts.</value>
    public float SpeedingToleranceLowKmh { get; init; } = 15f;

    /// <summary>Speeding tolerance where the limit is above <see cref="ToleranceSwitchLimitKmh"/>, km/h.</summary>
    /// <value>Default 20 km/h (the product design).</value>
    public float SpeedingToleranceHighKmh { get; init; } = 20f;

    /// <summary>Limit up to which the low tolerance applies, km/h.</summary>
    /// <value>Default 85 km/h (the product design): separates urban and rural roads from motorways.</value>
    public float ToleranceSwitchLimitKmh { get; init; } = 85f;

    /// <summary>Margin over the limit that counts as severe speeding, km/h.</summary>
    /// <value>Default 30 km/h (the product design; +30 km/h is a licence-suspension band in several EU countries).</value>
    public float SevereSpeedingMarginKmh { get; init; } = 30f;

    /// <summary>Where no limit is known, speeds above this count as very high, km/h.</summary>
    /// <value>Default 130 km/h (the product design): the most common motorway limit in Europe.</value>
    public float VeryHighSpeedKmh { get; init; } = 130f;

    /// <summary>High-risk areas whose km share is reported; none when null.</summary>
    /// <value>Default null: no areas, so the share is 0.</value>
    public HighRiskAreaMap? HighRiskAreas { get; init; }

    /// <summary>Checks every threshold.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A threshold has the wrong sign or is not a number.</exception>
    public void Validate()
    {
        Positive(MovingSpeedMps, nameof(MovingSpeedMps));
        Positive(GpsGapS, nameof(GpsGapS));
        Positive(-HarshBrakingMps2, nameof(HarshBrakingMps2));
        Positive(RapidAccelerationMps2, nameof(RapidAccelerationMps2));
        Positive(HarshCorneringMps2, nameof(HarshCorneringMps2));
        NotNegative(MinEventDurationS, nameof(MinEventDurationS));
        NotNegative(EventMergeGapS, nameof(EventMergeGapS));
        NotNegative(SpeedingToleranceLowKmh, nameof(SpeedingToleranceLowKmh));
        NotNegative(SpeedingToleranceHighKmh, nameof(SpeedingToleranceHighKmh));
        Positive(ToleranceSwitchLimitKmh, nameof(ToleranceSwitchLimitKmh));
        NotNegative(SevereSpeedingMarginKmh, nameof(SevereSpeedingMarginKmh));
        Positive(VeryHighSpeedKmh, nameof(VeryHighSpeedKmh));
    }

    private static void Positive(double value, string name)
    {
        if (!(value > 0))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be greater than 0 (harsh braking: less than 0).");
        }
    }

    private static void NotNegative(double value, string name)
    {
        if (!(value >= 0))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be 0 or more.");
        }
    }
}
