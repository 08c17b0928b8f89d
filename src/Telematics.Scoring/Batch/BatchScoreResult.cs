using Telematics.Scoring.Results;

namespace Telematics.Scoring.Batch;

/// <summary>The outcome of a batch.</summary>
/// <param name="Scores">One entry per input driver, in input order; null where the driver failed.</param>
/// <param name="Failures">The drivers that failed, in input order.</param>
/// <param name="Summary">Figures of the batch.</param>
public sealed record BatchScoreResult(IReadOnlyList<RiskScore?> Scores, IReadOnlyList<BatchScoreFailure> Failures, BatchScoreSummary Summary);
