using Telematics.Features.Schema;

namespace Telematics.Training.Modeling;

/// <summary>Which way claim frequency is expected to move when a feature grows, all else equal.</summary>
public enum RiskDirection
{
    /// <summary>No direction is claimed (road mix, speeds, timing shares): the fitted sign is whatever the data says.</summary>
    Unknown = 0,

    /// <summary>More of the feature never lowers the frequency (harsh events, phone use, speeding, night, km).</summary>
    Increasing = 1,

    /// <summary>More of the feature never raises the frequency.</summary>
    Decreasing = -1,
}

/// <summary>What a feature is to the pricing model.</summary>
public enum FactorRole
{
    /// <summary>A rating factor: describes how the driver drives.</summary>
    Rating = 0,

    /// <summary>Describes the data, not the driving (GPS gaps, dropped records, unknown road class): never a rating factor, it lowers credibility instead.</summary>
    DataQuality = 1,

    /// <summary>
    /// Describes the roads rather than the driver (the road mix; mean and 95th-percentile speed, which follow the road mix
    /// and trip length; and 95th-percentile lateral g, which follows the speed bends are taken at): not a rating factor, since it stands in for distance and would price motorway driving
    /// as dangerous; distance itself and speeding against the posted limit are the behaviour, and are rated.
    /// </summary>
    Context = 2,
}

/// <summary>How a feature enters the frequency model's linear predictor.</summary>
public enum FactorTransform
{
    /// <summary>The clipped value itself (shares, speeds).</summary>
    Linear = 0,

    /// <summary>ln(1 + clipped value): counts, rates and durations whose effect on ln λ flattens as they grow (km, events per 100 km, jerk, phone minutes).</summary>
    Log1p = 1,
}

/// <summary>One telematics@2 feature as the pricing model treats it.</summary>
/// <param name="Feature">The feature's name in <see cref="TelematicsFeaturesV2.Schema"/>.</param>
/// <param name="Role">Rating factor or data quality.</param>
/// <param name="Direction">The expected direction of risk, enforced in training and checked at package load.</param>
/// <param name="Transform">How it enters ln λ.</param>
public readonly record struct RatingFactor(string Feature, FactorRole Role, RiskDirection Direction, FactorTransform Transform);

/// <summary>
/// The telematics@2 features as rating factors: role, expected direction and transform. Directions are claimed only
/// where road-safety evidence is settled (harsh manoeuvres, phone handling, speeding, night driving, distance).
/// </summary>
public static class RatingFactors
{
    /// <summary>Every feature of <see cref="TelematicsFeaturesV2.Schema"/>, in schema order.</summary>
    public static IReadOnlyList<RatingFactor> All { get; } =
    [
        new(TelematicsFeaturesV2.AnnualKm, FactorRole.Rating, RiskDirection.Increasing, FactorTransform.Log1p),
        new(TelematicsFeaturesV2.DrivingHoursPerWeek, FactorRole.Rating, RiskDirection.Increasing, FactorTransform.Log1p),
        new(TelematicsFeaturesV2.TripsPerWeek, FactorRole.Rating, RiskDirection.Unknown, FactorTransform.Log1p),
        new(TelematicsFeatures.MeanTripKm, FactorRole.Rating, RiskDirection.Unknown, FactorTransform.Log1p),
        new(TelematicsFeatures.NightShare, FactorRole.Rating, RiskDirection.Increasing, FactorTransform.Linear),
        new(TelematicsFeatures.LateNightShare, FactorRole.Rating, RiskDirection.Increasing, FactorTransform.Linear),
        new(TelematicsFeatures.RushHourShare, FactorRole.Rating, RiskDirection.Unknown, FactorTransform.Linear),
        new(TelematicsFeatures.WeekendShare, FactorRole.Rating, RiskDirection.Unknown, FactorTransform.Linear),
        new(TelematicsFeatures.MeanSpeedKmh, FactorRole.Context, RiskDirection.Unknown, FactorTransform.Linear),
        new(TelematicsFeatures.P95SpeedKmh, FactorRole.Context, RiskDirection.Unknown, FactorTransform.Linear),
        new(TelematicsFeatures.SpeedingShare, FactorRole.Rating, RiskDirection.Increasing, FactorTransform.Linear),
        new(TelematicsFeatures.SevereSpeedingShare, FactorRole.Rating, RiskDirection.Increasing, FactorTransform.Linear),
        new(TelematicsFeatures.VeryHighSpeedShare, FactorRole.Rating, RiskDirection.Increasing, FactorTransform.Linear),
        new(TelematicsFeatures.HarshBrakingPer100Km, FactorRole.Rating, RiskDirection.Increasing, FactorTransform.Log1p),
        new(TelematicsFeatures.RapidAccelerationPer100Km, FactorRole.Rating, RiskDirection.Increasing, FactorTransform.Log1p),
        new(TelematicsFeatures.HarshCorneringPer100Km, FactorRole.Rating, RiskDirection.Increasing, FactorTransform.Log1p),
        new(TelematicsFeatures.MeanAbsJerkMps3, FactorRole.Rating, RiskDirection.Increasing, FactorTransform.Log1p),
        new(TelematicsFeatures.P95AbsJerkMps3, FactorRole.Rating, RiskDirection.Increasing, FactorTransform.Log1p),
        // The 95th-percentile lateral g is reached on bends taken at road speed: in the training population it follows mean
        // speed (correlation 0.94) and not harsh cornering (0.00), and over a week it is the noisiest of the behaviour
        // measures (7- against 90-day correlation 0.83). Cornering style is rated through harsh_cornering_per_100km.
        new(TelematicsFeatures.P95LateralG, FactorRole.Context, RiskDirection.Unknown, FactorTransform.Linear),
        new(TelematicsFeatures.PhoneMinutesPerHour, FactorRole.Rating, RiskDirection.Increasing, FactorTransform.Log1p),
        new(TelematicsFeatures.PhoneMovingShare, FactorRole.Rating, RiskDirection.Increasing, FactorTransform.Linear),
        new(TelematicsFeatures.MotorwayShare, FactorRole.Context, RiskDirection.Unknown, FactorTransform.Linear),
        new(TelematicsFeatures.PrimaryRoadShare, FactorRole.Context, RiskDirection.Unknown, FactorTransform.Linear),
        new(TelematicsFeatures.SecondaryRoadShare, FactorRole.Context, RiskDirection.Unknown, FactorTransform.Linear),
        new(TelematicsFeatures.LocalRoadShare, FactorRole.Context, RiskDirection.Unknown, FactorTransform.Linear),
        new(TelematicsFeatures.UnknownRoadShare, FactorRole.DataQuality, RiskDirection.Unknown, FactorTransform.Linear),
        new(TelematicsFeatures.HighRiskAreaShare, FactorRole.Rating, RiskDirection.Increasing, FactorTransform.Linear),
        new(TelematicsFeatures.GpsGapShare, FactorRole.DataQuality, RiskDirection.Unknown, FactorTransform.Linear),
        new(TelematicsFeatures.DroppedRecordShare, FactorRole.DataQuality, RiskDirection.Unknown, FactorTransform.Linear),
    ];

    /// <summary>The factor of <paramref name="feature"/>.</summary>
    /// <exception cref="KeyNotFoundException">Not a telematics@2 feature.</exception>
    public static RatingFactor Of(string feature)
    {
        foreach (var factor in All)
        {
            if (factor.Feature == feature)
            {
                return factor;
            }
        }

        throw new KeyNotFoundException($"'{feature}' is not a feature of {TelematicsFeaturesV2.Schema}.");
    }

    /// <summary>The manifest's word for a direction: <c>increasing</c>, <c>decreasing</c>.</summary>
    public static string ToWireName(this RiskDirection direction) => direction switch
    {
        RiskDirection.Increasing => "increasing",
        RiskDirection.Decreasing => "decreasing",
        _ => "unknown",
    };

    /// <summary>The value as it enters ln λ: itself, or ln(1 + value).</summary>
    internal static double Apply(this FactorTransform transform, double value) =>
        transform == FactorTransform.Log1p ? Math.Log(1 + value) : value;
}
