using Telematics.Service.Storage;

namespace Telematics.Service.Scoring;

/// <summary>
/// Where resumable batch scoring runs (<see cref="ScoringRun"/>) are recorded, and the driver list they walk. A run's
/// progress is advanced by <see cref="IScoreStore.StoreAsync"/>, in its chunk's transaction.
/// </summary>
public interface IScoringRunStore
{
    /// <summary>Reads a run.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The run, or null when none has that id.</returns>
    Task<ScoringRun?> GetAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Starts run <paramref name="runId"/>, or returns it unchanged when it already exists (finished or not).</summary>
    /// <param name="runId">The run id: 1–100 letters, digits and <c>. _ : -</c>, starting with a letter or digit.</param>
    /// <param name="selection">Which drivers it covers (<c>all</c>, or <c>drivers:</c> and the ids), 1–10 000 characters.</param>
    /// <param name="from">Inclusive start of the period.</param>
    /// <param name="to">Exclusive end of the period.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run as stored; compare its selection and period with the caller's before resuming it.</returns>
    /// <exception cref="ArgumentException">The run id or selection is invalid, or the period is empty.</exception>
    Task<ScoringRun> StartOrGetAsync(string runId, string selection, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>Marks the run finished.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The finished run.</returns>
    /// <exception cref="KeyNotFoundException">No run has that id.</exception>
    Task<ScoringRun> FinishAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>The next stored drivers after <paramref name="afterDriverId"/>, ascending.</summary>
    /// <param name="afterDriverId">The last driver already taken.</param>
    /// <param name="limit">How many at most, ≥ 1.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Up to <paramref name="limit"/> driver ids; empty past the last.</returns>
    Task<long[]> NextDriversAsync(long afterDriverId, int limit, CancellationToken cancellationToken = default);

    /// <summary>How many stored drivers come after <paramref name="afterDriverId"/>.</summary>
    /// <param name="afterDriverId">The last driver already taken.</param>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>The count.</returns>
    Task<int> CountDriversAfterAsync(long afterDriverId, CancellationToken cancellationToken = default);
}
