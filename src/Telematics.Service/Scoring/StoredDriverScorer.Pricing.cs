using Telematics.Features.Schema;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Results;
using Telematics.Service.Storage;

namespace Telematics.Service.Scoring;

/// <content>Pricing: a premium with the configured plan, and a stored score priced again as it was stored.</content>
public sealed partial class StoredDriverScorer
{
    /// <summary>Prices a premium with the configured plan.</summary>
    /// <param name="score">Risk score, 0–100.</param>
    /// <param name="features">The driver's vector in <c>telematics</c> v1 order (for discount rules).</param>
    /// <param name="annualKm">Annualised distance, km.</param>
    /// <param name="region">Region code; null for the plan's default base rate.</param>
    /// <returns>The premium and its breakdown.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The score or distance is out of range.</exception>
    public PremiumQuote Price(double score, ReadOnlySpan<float> features, double annualKm, string? region) =>
        PremiumCalculator.Calculate(_options.Plan, score, annualKm, region, TelematicsFeatures.Schema, features);

    /// <summary>
    /// Prices a score with the configured plan, giving a <c>telematics_relativity</c> plan the model's frequency (the score's
    /// raw output, which such a plan requires to be a frequency) and the days of the period it rests on.
    /// </summary>
    /// <param name="score">The score.</param>
    /// <param name="frequency">The model's frequency, the days it rests on and their credibility weight (<see cref="ModelFrequency.Of"/>).</param>
    /// <param name="features">The driver's feature vector (telematics@1).</param>
    /// <param name="annualKm">Annualised distance.</param>
    /// <param name="region">The driver's region, or null for the plan's default base rate.</param>
    /// <returns>The quote with its breakdown.</returns>
    public PremiumQuote Price(double score, ModelFrequency frequency, ReadOnlySpan<float> features, double annualKm, string? region) =>
        Price(score, frequency, features, annualKm, RatingCell.OfRegion(region));

    /// <summary>
    /// Prices a score with the configured plan for a driver's classical cell: the region's base rate, the plan's age band and
    /// vehicle class relativities, and (for a <c>telematics_relativity</c> plan) the model's frequency relative to the mean of the cell.
    /// </summary>
    /// <param name="score">The score.</param>
    /// <param name="frequency">The model's frequency, the days it rests on and their credibility weight (<see cref="ModelFrequency.Of"/>).</param>
    /// <param name="features">The driver's feature vector (telematics@1).</param>
    /// <param name="annualKm">Annualised distance.</param>
    /// <param name="cell">The driver's region, age band and vehicle class.</param>
    /// <returns>The quote with its breakdown.</returns>
    public PremiumQuote Price(double score, ModelFrequency frequency, ReadOnlySpan<float> features, double annualKm, RatingCell cell) =>
        PremiumCalculator.Calculate(_options.Plan, score, frequency, annualKm, cell, TelematicsFeatures.Schema, features);

    /// <summary>
    /// Prices the driver's latest stored score again with the configured plan and the driver's current cell (region, age
    /// band, vehicle class), and stores
    /// the premium (audit action <c>premium.change</c>, with the previous premium as its before state).
    /// </summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="actor">Who asked.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The stored premium, or null when the driver has no stored score.</returns>
    /// <exception cref="PricingPlanException">
    /// The stored score's model version is not served any more (its fit cannot be checked), or the plan does not fit it
    /// (its output, or a feature it reads that the plan prohibits or prices again); nothing is stored.
    /// </exception>
    public async Task<PremiumRecord?> RepriceLatestAsync(long driverId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        actor.Validate();
        if (await _store.ReadLatestWithCellAsync(driverId, cancellationToken).ConfigureAwait(false) is not (var latest, var cell))
        {
            return null;
        }

        var score = latest.Record;
        var annualKm = PremiumCalculator.AnnualiseKm(score.Features[DistanceIndex], score.ObservedOrPeriodDays);
        var quote = Price(score.Score, FrequencyOf(score, score.Features, score.ObservedOrPeriodDays), score.Features, annualKm, cell);
        var premium = new PremiumRecord(
            driverId, score.ScoreId, _timeProvider.GetUtcNow(), quote.Currency, quote.Steps[0].Value, quote.Premium,
            PremiumBreakdownJson.Write(quote, score.Score, annualKm, cell));
        var id = await _store.AddPremiumAsync(premium, actor, cancellationToken).ConfigureAwait(false);
        return premium with { PremiumId = id };
    }

    /// <summary>
    /// The model frequency a stored score carries, for <see cref="Price(double, ModelFrequency, ReadOnlySpan{float}, double, RatingCell)"/>:
    /// its raw output over <paramref name="creditedDays"/>, weighted by the data quality of <paramref name="features"/>.
    /// A stored score names its model but not what that version outputs or reads, so both are asked of the registry,
    /// and the quote checks the whole plan fit (output, prohibited and double-counted features) for that version.
    /// </summary>
    /// <param name="score">The stored score.</param>
    /// <param name="features">The vector whose data quality weighs the credibility (the stored one, or a what-if of it).</param>
    /// <param name="creditedDays">The observed days credited.</param>
    /// <exception cref="PricingPlanException">The score's model version is not served any more, so its fit to the plan cannot be checked, or the plan does not fit it.</exception>
    public ModelFrequency FrequencyOf(RiskScoreRecord score, ReadOnlySpan<float> features, double creditedDays)
    {
        ArgumentNullException.ThrowIfNull(score);
        var model = $"{score.ModelName}@{score.ModelVersion}";
        var (kind, read) = StoredModel(score.ModelName, score.ModelVersion);
        // The whole fit, output included, before the frequency is made (the quote checks it again from the cache).
        _options.Plan.EnsureFits(model, kind, read);
        return new ModelFrequency(score.RawOutput, creditedDays)
        {
            CredibilityWeight = DataQuality.CredibilityWeight(DataQuality.Grade(features), score.OutOfRangeShare),
            OutputKind = kind,
            Model = model,
            ModelFeatures = read,
        };
    }

    // A stored score says which model made it but not what that version outputs or reads; the serving registry does.
    // Without it the plan's prohibited and double-counting checks could not run, so the reprice is refused, not waved through.
    private (ModelOutputKind Kind, IReadOnlyList<string> Features) StoredModel(string model, string version)
    {
        if (!_experiments.Scorer.Registry.TryAcquire(model, version, out var lease))
        {
            throw new PricingPlanException(_options.Plan.Relativity is null ? "prohibited_features" : "telematics_relativity",
                $"the latest score was made by model {model}@{version}, which is not served any more, so whether plan {_options.Plan.Name} may price it (its output and the features it reads) cannot be checked; recalculate the driver's risk score first.");
        }

        using (lease)
        {
            return (lease.Package.OutputKind, lease.Package.Model.Binding.FeatureNames);
        }
    }
}
