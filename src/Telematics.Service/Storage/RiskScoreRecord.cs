using Telematics.Scoring.Results;

namespace Telematics.Service.Storage;

/// <summary>A risk score as stored in <c>risk_scores</c>; the host maps scoring results to it.</summary>
/// <param name="DriverId">The driver scored.</param>
/// <param name="ScoredAt">When the score was computed (UTC).</param>
/// <param name="PeriodStart">Inclusive start of the period the features cover.</param>
/// <param name="PeriodEnd">Exclusive end of that period.</param>
/// <param name="Score">Risk score, 0–100.</param>
/// <param name="Category">Band of the score.</param>
/// <param name="RawOutput">The model's raw output (e.g. a claim probability) before mapping to 0–100.</param>
/// <param name="ModelName">Name of the model.</param>
/// <param name="ModelVersion">Version of the model.</param>
/// <param name="Experiment">A/B experiment name, or <see langword="null"/>.</param>
/// <param name="Variant">A/B variant, or <see langword="null"/>.</param>
/// <param name="Features">The feature vector scored.</param>
/// <param name="Contributions">Per-feature contributions to the score, in feature order.</param>
public sealed record RiskScoreRecord(
    long DriverId,
    DateTimeOffset ScoredAt,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    double Score,
    RiskCategory Category,
    double RawOutput,
    string ModelName,
    string ModelVersion,
    string? Experiment,
    string? Variant,
    float[] Features,
    float[] Contributions)
{
    /// <summary>Database id; 0 until stored.</summary>
    public long ScoreId { get; init; }

    /// <summary>Share (0–1) of the driver's model inputs outside the model's training ranges; null when the model records none.</summary>
    public double? OutOfRangeShare { get; init; }

    /// <summary>The confidence grade of <see cref="OutOfRangeShare"/> (<see cref="ScoreConfidenceGrade"/>).</summary>
    public ScoreConfidence Confidence => ScoreConfidenceGrade.From(OutOfRangeShare);

    /// <summary>
    /// Where the driver's long-run score lies at <see cref="ScoreInterval.Level"/>, given the trips the score rests on
    /// (<see cref="RiskScore.Interval"/>), its ends stored to single precision; null when the model records no sampling noise.
    /// </summary>
    public ScoreInterval? Interval { get; init; }

    /// <summary>
    /// Days of the period the driver was observed: from the later of <see cref="PeriodStart"/> and the start (midnight UTC)
    /// of the day of the driver's first stored trip, to <see cref="PeriodEnd"/>, at least one
    /// (<see cref="Scoring.StoredDriverScorer.ObservedDays"/>).
    /// Pricing credits and annualises over them. Null for scores stored before it was recorded: their whole period counts.
    /// </summary>
    public double? ObservedDays { get; init; }

    /// <summary><see cref="ObservedDays"/>, or the whole period's days for a score stored without them.</summary>
    public double ObservedOrPeriodDays => ObservedDays ?? (PeriodEnd - PeriodStart).TotalDays;
}
