namespace Telematics.Service.Storage;

/// <summary>A batch scoring run as stored in <c>scoring_runs</c>.</summary>
/// <param name="RunId">The run's id, 1–100 characters of letters, digits and <c>. _ : -</c>, starting with a letter or digit.</param>
/// <param name="Selection">Which drivers the run covers: <c>all</c> or <c>drivers:</c> and the sorted ids.</param>
/// <param name="PeriodStart">Inclusive start of the scored period (UTC).</param>
/// <param name="PeriodEnd">Exclusive end of the scored period (UTC).</param>
/// <param name="StartedAt">When the run was first started.</param>
/// <param name="FinishedAt">When it finished; null while it has drivers left.</param>
/// <param name="LastDriverId">The highest driver id of the last committed chunk; 0 before the first.</param>
/// <param name="ChunksDone">Committed chunks.</param>
/// <param name="DriversScored">Drivers scored and stored so far.</param>
/// <param name="DriversFailed">
/// Drivers not scored so far: those without trips in the period (<see cref="DriversWithoutTrips"/>, not failures) and
/// those that failed (unknown id, refused by the model). The failures are this less <see cref="DriversWithoutTrips"/>.
/// </param>
public sealed record ScoringRun(
    string RunId,
    string Selection,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    long LastDriverId,
    int ChunksDone,
    int DriversScored,
    int DriversFailed)
{
    /// <summary>Whether the run has finished (re-running it writes nothing).</summary>
    public bool IsFinished => FinishedAt is not null;

    /// <summary>
    /// Of <see cref="DriversFailed"/>, the drivers skipped so far because they had no trips in the period (nothing to score,
    /// not a failure). Null for a run started before this count was stored (<c>scoring_runs</c> migration 0031): its
    /// failures cannot be told from its drivers without trips.
    /// </summary>
    public int? DriversWithoutTrips { get; init; }
}
