using Telematics.Service.Storage;

namespace Telematics.Service.Scoring;

/// <summary>What one <see cref="ScoringRunner.RunAsync"/> invocation did.</summary>
/// <param name="Run">The run as stored at the end (finished, or as it was when already finished).</param>
/// <param name="AlreadyFinished">The run had finished before this invocation, which wrote nothing.</param>
/// <param name="Scored">Drivers scored and stored by this invocation.</param>
/// <param name="NoTrips">Drivers skipped by this invocation because they had no trips in the period.</param>
/// <param name="Failed">Drivers this invocation could not score (unknown id, refused by the model), with the reason.</param>
public sealed record ScoringRunReport(ScoringRun Run, bool AlreadyFinished, int Scored, int NoTrips, IReadOnlyList<ScoringRunFailure> Failed)
{
    /// <summary>Drivers scored per experiment variant that served them, by variant name; empty outside an experiment.</summary>
    public IReadOnlyDictionary<string, int> ByVariant { get; init; } = new SortedDictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Shadow scores stored beside the served ones by this invocation.</summary>
    public int ShadowScores { get; init; }
}

/// <summary>A driver a run could not score.</summary>
/// <param name="DriverId">The driver.</param>
/// <param name="Reason">Why, in plain English.</param>
public readonly record struct ScoringRunFailure(long DriverId, string Reason);

/// <summary>One committed chunk of a run, for progress reporting.</summary>
/// <param name="Chunk">Chunks committed by this invocation so far (1 for the first).</param>
/// <param name="Drivers">Drivers in this chunk.</param>
/// <param name="LastDriverId">Highest driver id of the chunk: where a resumed run would start after.</param>
public readonly record struct ScoringRunProgress(int Chunk, int Drivers, long LastDriverId);
