using Telematics.Scoring.Batch;

namespace Telematics.Service.Scoring;

/// <summary>The outcome of scoring many drivers from stored trips.</summary>
/// <param name="Outcomes">One outcome per distinct requested driver, in ascending id order.</param>
/// <param name="Failures">The drivers not scored (no trips, unknown, or refused by the model), with the reason; <see cref="BatchScoreFailure.Index"/> is the position in <paramref name="Outcomes"/>.</param>
/// <param name="Summary">Count (distinct drivers asked), failures, mean, p50/p95 and counts by category, model version and variant over the scored drivers.</param>
public sealed record StoredBatchResult(IReadOnlyList<DriverScoreOutcome> Outcomes, IReadOnlyList<BatchScoreFailure> Failures, BatchScoreSummary Summary);
