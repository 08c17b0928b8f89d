using System.Text.Json.Serialization;
using Telematics.Scoring.Experiments;
using Telematics.Storage.Postgres.Experiments;

namespace Telematics.Api.Endpoints;

/// <summary>An experiment definition in the experiment file format (the body of <c>PUT /experiments/{name}</c>).</summary>
/// <param name="Name">Experiment name: letters, digits, '.', '_', '-' (1–100); must equal the route's name.</param>
/// <param name="Salt">Salt of the assignment hash; a new salt reshuffles every driver.</param>
/// <param name="Variants">Served variants (weights in basis points summing to 10,000) and shadow variants.</param>
internal sealed record ExperimentBody(string Name, string Salt, IReadOnlyList<VariantBody> Variants);

/// <summary>One variant of an <see cref="ExperimentBody"/>.</summary>
/// <param name="Name">Variant name, unique in the experiment.</param>
/// <param name="Model">A model alias (<c>champion</c>) or <c>name@version</c>.</param>
/// <param name="WeightBp">Share of drivers in basis points (served variants only).</param>
/// <param name="Shadow">True for a shadow variant: scored and recorded beside the served one, never served.</param>
/// <param name="Buckets">The half-open bucket ranges [start, end) the variant owns (served variants only).</param>
internal sealed record VariantBody(
    string Name,
    string Model,
    [property: JsonPropertyName("weight_bp")] int? WeightBp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Shadow = false,
    IReadOnlyList<int[]>? Buckets = null);

/// <summary>The answer of <c>GET/PUT /experiments/{name}</c>.</summary>
/// <param name="Definition">The definition, with explicit bucket ranges.</param>
/// <param name="Active">Whether the scorer serves it now.</param>
/// <param name="Source"><c>store</c> when it was put through the API (and survives restarts), <c>configuration</c> when it came from the host's configuration only.</param>
/// <param name="UpdatedAt">When it was last put (UTC); null for a configured experiment.</param>
/// <param name="UpdatedBy">Who last put it; null for a configured experiment.</param>
/// <param name="Problems">Why it is not active; empty when it is.</param>
internal sealed record ExperimentResponse(ExperimentBody Definition, bool Active, string Source, DateTimeOffset? UpdatedAt, string? UpdatedBy, IReadOnlyList<string> Problems)
{
    public static ExperimentResponse From(ExperimentDefinition experiment, bool active, StoredExperiment? stored, IReadOnlyList<string> problems)
    {
        var variants = new List<VariantBody>(experiment.Variants.Count);
        foreach (var variant in experiment.Variants)
        {
            variants.Add(variant.IsShadow
                ? new VariantBody(variant.Name, variant.Model.ToString(), null, true, null)
                : new VariantBody(variant.Name, variant.Model.ToString(), variant.WeightBasisPoints, false, [.. experiment.BucketsOf(variant.Name).Select(r => new[] { r.Start, r.End })]));
        }

        return new ExperimentResponse(
            new ExperimentBody(experiment.Name, experiment.Salt, variants),
            active,
            stored is null ? "configuration" : "store",
            stored?.UpdatedAt,
            stored?.UpdatedBy,
            problems);
    }
}

/// <summary>The answer of <c>GET /experiments/{name}/metrics</c>.</summary>
/// <param name="Experiment">The experiment name.</param>
/// <param name="From">First UTC day of the period.</param>
/// <param name="To">Last UTC day of the period (included).</param>
/// <param name="Variants">One entry per variant that served a score in the period, by name.</param>
/// <param name="Shadows">One entry per shadow variant scored beside a driver's latest served score in the period, by name.</param>
internal sealed record ExperimentMetricsResponse(
    string Experiment, DateOnly From, DateOnly To, IReadOnlyList<VariantMetricsResponse> Variants, IReadOnlyList<ShadowMetricsResponse> Shadows);

/// <summary>How one shadow variant compares with the served scores over the period (each driver's latest served score once).</summary>
/// <param name="Variant">The shadow variant's name.</param>
/// <param name="ScoredDrivers">Drivers whose latest served score has this shadow's score beside it.</param>
/// <param name="MeanScore">Mean of those shadow scores, 0–100.</param>
/// <param name="SameCategoryShare">Share of those drivers whose shadow category equals the served one, 0–1.</param>
/// <param name="SettledDisagreementShare">
/// Among those drivers whose served and shadow scores both carry a 90 % interval, the share whose categories are both
/// settled and still differ, 0–1: disagreements a short window's sampling noise does not explain. Null when no driver has
/// both intervals (a model without sampling noise).
/// </param>
internal sealed record ShadowMetricsResponse(string Variant, long ScoredDrivers, double MeanScore, double SameCategoryShare, double? SettledDisagreementShare);

/// <summary>Score statistics of one variant over the period (each driver's latest score once).</summary>
/// <param name="Variant">The variant name.</param>
/// <param name="ScoredDrivers">Drivers it served.</param>
/// <param name="MeanScore">Mean score, 0–100.</param>
/// <param name="P50Score">Median score (continuous percentile).</param>
/// <param name="P95Score">95th percentile score (continuous).</param>
/// <param name="Categories">Drivers per risk category.</param>
internal sealed record VariantMetricsResponse(string Variant, long ScoredDrivers, double MeanScore, double P50Score, double P95Score, CategoryCounts Categories);

/// <summary>Drivers per risk category (≤20 excellent, ≤40 good, ≤60 average, ≤80 below average, else high).</summary>
/// <param name="Excellent">Scores ≤ 20.</param>
/// <param name="Good">Scores in (20, 40].</param>
/// <param name="Average">Scores in (40, 60].</param>
/// <param name="BelowAverage">Scores in (60, 80].</param>
/// <param name="High">Scores above 80.</param>
internal sealed record CategoryCounts(long Excellent, long Good, long Average, long BelowAverage, long High)
{
    /// <summary>From five counts indexed by <c>RiskCategory</c>.</summary>
    public static CategoryCounts From(IReadOnlyList<long> counts) => new(counts[0], counts[1], counts[2], counts[3], counts[4]);
}

/// <summary>The answer of <c>GET /api/v1/experiments</c>.</summary>
/// <param name="Items">Every experiment, by name.</param>
internal sealed record ExperimentListResponse(IReadOnlyList<ExperimentListItem> Items);

/// <summary>One experiment of the list.</summary>
/// <param name="Name">The experiment name.</param>
/// <param name="Active">Whether it serves scores now.</param>
/// <param name="Source"><c>store</c> (saved with PUT) or <c>configuration</c> (the host's settings only).</param>
internal sealed record ExperimentListItem(string Name, bool Active, string Source);
