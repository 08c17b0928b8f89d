using System.Globalization;
using Telematics.Features.Schema;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Results;

namespace Telematics.Cli.Score;

/// <summary>
/// Premium inputs: the plan, the classical cell, and the annual distance as distance_km scaled from the driver's window (a year
/// when unknown).
/// </summary>
internal sealed record ScorePricing(PricingPlan Plan, RatingCell Cell)
{
    private static readonly int DistanceIndex = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.DistanceKm);

    /// <summary>The driver's premium, or why it has none: a plan prices the distance driven, which a features CSV may leave blank.</summary>
    public bool TryQuote(RiskScore score, ReadOnlySpan<float> features, double? observedDays, out PremiumQuote? quote, out string? error)
    {
        quote = null;
        var distance = features[DistanceIndex];
        if (!float.IsFinite(distance) || distance < 0)
        {
            error = $"Driver '{score.DriverId}' is scored but not priced: its {TelematicsFeatures.DistanceKm} is {(float.IsNaN(distance) ? "missing" : distance.ToString(CultureInfo.InvariantCulture))}, and a premium needs the distance driven.";
            return false;
        }

        try
        {
            // The whole fit for the version that scored, as the host checks it (a score plan must not price a frequency
            // model's percentile, nor any plan a version reading a feature it prohibits), is the quote's.
            if (score.ModelFeatures is null)
            {
                // The quote checks the whole fit when it knows what the version reads; a score that does not say still has
                // its output kind, which the quote cannot tell from its frequency's default.
                Plan.EnsurePrices(score.OutputKind, $"{score.ModelName}@{score.ModelVersion}");
            }

            var annualKm = PremiumCalculator.AnnualiseKm(distance, observedDays ?? 365);
            // Credibility rests on the days the data covers: unknown, none are credited (the classical price), where
            // the year that annualises distance would have credited Z = 0.86 to what may be a week of data.
            quote = PremiumCalculator.Calculate(Plan, score.Score, ModelFrequency.Of(score, features, observedDays ?? 0), annualKm, Cell, TelematicsFeatures.Schema, features);
            error = null;
            return true;
        }
        catch (ArgumentException e)
        {
            // The calculator's own refusal of this driver's inputs (a frequency that is not finite, say): this row only.
            error = $"Driver '{score.DriverId}' is scored but not priced: {e.Message}";
            return false;
        }
        catch (PricingPlanException e)
        {
            // The plan does not fit the model version that scored this driver: this row only.
            error = $"Driver '{score.DriverId}' is scored by model {score.ModelName}@{score.ModelVersion} but not priced: {e.Message}";
            return false;
        }
    }
}
