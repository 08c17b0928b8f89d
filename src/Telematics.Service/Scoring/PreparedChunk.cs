using Telematics.Scoring.Batch;

namespace Telematics.Service.Scoring;

/// <summary>
/// Drivers read, combined, scored and priced but not yet stored: what <see cref="StoredDriverScorer"/> hands from its
/// compute step to its store step, so that a run can compute one chunk while the previous one is being written.
/// </summary>
/// <param name="Ids">The chunk's drivers, sorted and distinct.</param>
/// <param name="From">Inclusive start of the period.</param>
/// <param name="To">Exclusive end of the period.</param>
/// <param name="Outcomes">One outcome per driver of <paramref name="Ids"/>, in the same order; ids are set when stored.</param>
/// <param name="Scored">The scored outcomes, in driver order: what is stored.</param>
/// <param name="ScoredPositions">Position in <paramref name="Outcomes"/> of each entry of <paramref name="Scored"/>.</param>
/// <param name="Summary">The scoring summary of the scored drivers.</param>
internal sealed record PreparedChunk(
    long[] Ids,
    DateTimeOffset From,
    DateTimeOffset To,
    DriverScoreOutcome[] Outcomes,
    List<DriverScoreOutcome> Scored,
    List<int> ScoredPositions,
    BatchScoreSummary Summary);
