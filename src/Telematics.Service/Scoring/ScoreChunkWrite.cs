using Telematics.Service.Storage;

namespace Telematics.Service.Scoring;

/// <summary>One chunk of scored drivers to store in one transaction (<see cref="IScoreStore.StoreAsync"/>).</summary>
public sealed class ScoreChunkWrite
{
    /// <summary>The scored drivers, in ascending driver id order; each has a score and a quote.</summary>
    public required IReadOnlyList<DriverScoreOutcome> Scored { get; init; }

    /// <summary>Inclusive start of the scored period.</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>Exclusive end of the scored period.</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>When the chunk was scored, in whole microseconds (what a timestamp column keeps).</summary>
    public required DateTimeOffset ScoredAt { get; init; }

    /// <summary>Who asked, recorded on the audit row.</summary>
    public required AuditActor Actor { get; init; }

    /// <summary>The chunk's audit row given the ids its rows got; null to write none.</summary>
    public required Func<StoredScoreIds, AuditChange?> Audit { get; init; }

    /// <summary>The run the chunk advances, in the same transaction; null outside a run.</summary>
    public ScoringRunAdvance? Run { get; init; }

    /// <summary>
    /// The store of the chunk before this one, when both are written at once: this chunk's rows are written first, then
    /// the store waits for it, and only then appends the audit row, advances the run and commits. If it failed, this chunk
    /// rolls back, so chunks commit strictly in order. Null to commit as soon as the rows are written.
    /// </summary>
    public Task? CommitAfter { get; init; }
}

/// <summary>The ids a store gave a chunk's rows.</summary>
/// <param name="ScoreIds">Per scored driver, its score's id.</param>
/// <param name="PremiumIds">Per scored driver, its premium's id.</param>
public readonly record struct StoredScoreIds(long[] ScoreIds, long[] PremiumIds);

/// <summary>How a committed chunk advances its scoring run.</summary>
/// <param name="RunId">The run.</param>
/// <param name="LastDriverId">The chunk's highest driver id: the run resumes after it.</param>
/// <param name="Scored">Drivers of the chunk scored.</param>
/// <param name="Failed">Drivers of the chunk not scored (no trips, unknown or failed).</param>
public sealed record ScoringRunAdvance(string RunId, long LastDriverId, int Scored, int Failed)
{
    /// <summary>
    /// Of <see cref="Failed"/>, the drivers without trips in the period, added to the run's
    /// <see cref="ScoringRun.DriversWithoutTrips"/>. Null when not counted: the run's count then becomes unknown (null)
    /// rather than read as none, which would make every driver without trips a failure.
    /// </summary>
    public int? NoTrips { get; init; }
}
