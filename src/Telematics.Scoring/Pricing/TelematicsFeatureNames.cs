using Telematics.Features.Schema;

namespace Telematics.Scoring.Pricing;

// telematics@1 and @2 differ only at positions 0–2, the same measure per window or per year/week
// (TelematicsFeaturesV2.FromV1: distance_km → annual_km, driving_hours → driving_hours_per_week, trip_count →
// trips_per_week). Plan and model may name either version, so names are compared by the feature they mean.
internal static class TelematicsFeatureNames
{
    /// <summary>The telematics@2 name of a telematics@1 feature; any other name as it is.</summary>
    public static string Canonical(string name) =>
        TelematicsFeatures.Schema.TryGetIndex(name, out var index) ? TelematicsFeaturesV2.Schema.Features[index].Name : name;

    /// <summary>Whether two names are the same feature in either version.</summary>
    public static bool Same(string a, string b) => string.Equals(Canonical(a), Canonical(b), StringComparison.Ordinal);

    /// <summary>The name under which <paramref name="features"/> lists <paramref name="feature"/> (in either version), or null.</summary>
    public static string? Find(IReadOnlyList<string> features, string feature)
    {
        foreach (var candidate in features)
        {
            if (Same(candidate, feature))
            {
                return candidate;
            }
        }

        return null;
    }
}
