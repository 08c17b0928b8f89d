using Telematics.Features.Schema;

namespace Telematics.Scoring.Results;

/// <summary>How well the driver's data describes their driving, from the data-quality features (never rating factors).</summary>
public enum DataQualityGrade
{
    /// <summary>Few gaps, few dropped records, roads mostly known.</summary>
    Good = 0,

    /// <summary>
    /// Noticeable gaps, dropped records or unknown roads, or, while driving, no posted speed limit known or no phone use
    /// recorded.
    /// </summary>
    Fair = 1,

    /// <summary>A fifth or more of the trip time in GPS gaps or of the records dropped, or half the km on unknown roads.</summary>
    Poor = 2,
}

/// <summary>
/// Grades data quality from <see cref="TelematicsFeatures.GpsGapShare"/>, <see cref="TelematicsFeatures.DroppedRecordShare"/>,
/// <see cref="TelematicsFeatures.UnknownRoadShare"/> and whether any posted speed limit was known (a missing
/// <see cref="TelematicsFeatures.SpeedingShare"/> over driven km: the speeding a model would rate is not measured) or any
/// phone use was recorded (a missing <see cref="TelematicsFeatures.PhoneMinutesPerHour"/> over driven km), and turns the grade and the share of inputs outside the model's training
/// ranges into the weight the observed days carry toward pricing credibility: poor data and extrapolation earn the
/// driver's telematics less weight, so the price stays nearer the classical one.
/// </summary>
public static class DataQuality
{
    private static readonly int Gaps = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.GpsGapShare);
    private static readonly int Dropped = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.DroppedRecordShare);
    private static readonly int UnknownRoads = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.UnknownRoadShare);
    private static readonly int Speeding = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.SpeedingShare);
    private static readonly int Phone = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.PhoneMinutesPerHour);

    // distance_km in telematics@1, annual_km in v2: the same position.
    private static readonly int Distance = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.DistanceKm);

    /// <summary>
    /// The grade of a telematics@1 (or v2: the same positions) vector; a missing data-quality value counts as good, a
    /// missing speeding share or phone use over driven km as fair.
    /// </summary>
    /// <exception cref="ArgumentException">The vector is not 29 values long.</exception>
    public static DataQualityGrade Grade(ReadOnlySpan<float> features)
    {
        if (features.Length != TelematicsFeatures.Schema.Count)
        {
            throw new ArgumentException($"A {TelematicsFeatures.Schema} vector has {TelematicsFeatures.Schema.Count} values, not {features.Length}.", nameof(features));
        }

        static bool Above(float value, double limit) => !float.IsNaN(value) && value >= limit;
        if (Above(features[Gaps], 0.2) || Above(features[Dropped], 0.2) || Above(features[UnknownRoads], 0.5))
        {
            return DataQualityGrade.Poor;
        }

        var unmeasured = (float.IsNaN(features[Speeding]) || float.IsNaN(features[Phone])) && features[Distance] > 0;
        return unmeasured || Above(features[Gaps], 0.05) || Above(features[Dropped], 0.05) || Above(features[UnknownRoads], 0.2)
            ? DataQualityGrade.Fair : DataQualityGrade.Good;
    }

    /// <summary>
    /// The share of observed days that count toward credibility: 1, 0.75 or 0.5 for good, fair or poor data, times the
    /// share of the model's inputs inside its training ranges (1 when unknown).
    /// </summary>
    public static double CredibilityWeight(DataQualityGrade grade, double? outOfRangeShare)
    {
        var quality = grade switch { DataQualityGrade.Good => 1.0, DataQualityGrade.Fair => 0.75, _ => 0.5 };
        return quality * (1 - Math.Clamp(outOfRangeShare ?? 0, 0, 1));
    }
}
