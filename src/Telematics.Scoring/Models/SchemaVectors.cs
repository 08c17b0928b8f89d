using Telematics.Features.Schema;

namespace Telematics.Scoring.Models;

/// <summary>Turns the vector a caller provides (telematics@1) into the schema a model binds, where they differ.</summary>
internal static class SchemaVectors
{
    /// <summary>Length of the scratch a caller passes to <see cref="ForBinding"/> (stack-allocated; v2 has 29 values).</summary>
    public const int MaxDerivedLength = 32;

    /// <summary>Why a vector of no driving is refused, in the words every caller's error shows.</summary>
    public const string NoDrivingReason = "nothing to score (an empty period, or every record dropped or every trip too short); a driver is never scored from an empty vector, whose zeros would read as the safest driver there is";

    /// <summary>
    /// The vector in <paramref name="binding"/>'s schema: <paramref name="features"/> itself, or for a telematics@2 model its
    /// v2 vector written to <paramref name="scratch"/> from the v1 vector and the observation window.
    /// </summary>
    /// <exception cref="ArgumentException">A vector of no driving (<see cref="TelematicsFeatures.ShowsNoDriving"/>); a telematics@2 model without an observation window, or a window that is not a positive number of days; the message names the driver.</exception>
    public static ReadOnlySpan<float> ForBinding(ModelInputBinding binding, ReadOnlySpan<float> features, double? observedDays, string driverId, Span<float> scratch)
    {
        if (binding.Schema.Name == TelematicsFeatures.SchemaName && features.Length == TelematicsFeatures.Schema.Count && TelematicsFeatures.ShowsNoDriving(features))
        {
            throw new ArgumentException($"Driver '{driverId}' has no trips ({TelematicsFeatures.TripCount} 0 or missing, and no other value): {NoDrivingReason}.");
        }

        if (!TelematicsFeaturesV2.Is(binding.Schema) || features.Length != TelematicsFeatures.Schema.Count)
        {
            // Not a derived schema, or a vector of the wrong length that Gather refuses with its own message.
            return features;
        }

        if (observedDays is not { } days)
        {
            throw new ArgumentException(
                $"Driver '{driverId}': the model reads {TelematicsFeaturesV2.Schema}, whose {TelematicsFeaturesV2.AnnualKm}, {TelematicsFeaturesV2.DrivingHoursPerWeek} and {TelematicsFeaturesV2.TripsPerWeek} need the observation window; none was given (observed days).");
        }

        if (!double.IsFinite(days) || days < 1.0 / 24)
        {
            throw new ArgumentException($"Driver '{driverId}': observed days {days} must be a finite number of days, at least one hour.");
        }

        var v2 = scratch[..TelematicsFeaturesV2.Schema.Count];
        TelematicsFeaturesV2.FromV1(features, days, v2);
        return v2;
    }
}
