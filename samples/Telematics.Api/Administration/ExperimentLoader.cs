using System.Collections.Concurrent;
using Npgsql;
using Telematics.Api.Caching;
using Telematics.Api.Storage;
using Telematics.Scoring.Experiments;
using Telematics.Scoring.Service;
using Telematics.Storage.Postgres.Experiments;

namespace Telematics.Api.Administration;

/// <summary>
/// Puts the experiments stored by <c>PUT /experiments/{name}</c> back into the <see cref="ExperimentScorer"/> when the
/// host starts, so that a change survives a restart, and again when another host stored one (<see cref="CacheTags.Experiments"/>
/// through the cluster's fan-out), so that every host assigns variants alike. A stored experiment replaces a configured
/// one of the same name.
/// </summary>
/// <remarks>
/// Runs after the migrator: when the schema is current at start-up the experiments are loaded before the host serves
/// a request; otherwise they are loaded as soon as the migrations are applied. A stored experiment that no longer
/// validates (e.g. its model is not served any more) is skipped, logged, and reported by <see cref="ProblemOf"/>.
/// The fan-out's message is at most once and a load can fail, so the store is also read again every
/// <paramref name="reconcileEvery"/> (<see cref="ReconcileKey"/>, default 30 s; 5 s at most after a failed read), and a
/// definition is served only when it was stored later than the one served: loads that finish out of order, or a
/// reconcile that read before a PUT committed, never bring an older definition back.
/// </remarks>
internal sealed class ExperimentLoader(
    DatabaseConnection connection,
    DatabaseMigrator migrator,
    ExperimentScorer scorer,
    IServiceProvider services,
    ILogger<ExperimentLoader> logger,
    TimeProvider? time = null,
    TimeSpan? reconcileEvery = null) : IHostedService, IRemoteTagListener, IDisposable
{
    /// <summary>The configuration key of the seconds between two reads of the stored experiments (default 30).</summary>
    public const string ReconcileKey = "Experiments:ReconcileSeconds";

    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, string> _problems = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _servedAt = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _loading = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly TimeSpan _every = reconcileEvery ?? TimeSpan.FromSeconds(30);
    private Task _waiting = Task.CompletedTask;
    private bool _loadedOnce;
    private int _stopped;

    /// <summary>Why the stored experiment <paramref name="name"/> is not served, or null when it is (or is not stored).</summary>
    public string? ProblemOf(string name) => _problems.GetValueOrDefault(name);

    /// <summary>
    /// Serves <paramref name="experiment"/>, stored at <paramref name="updatedAt"/>, unless a definition stored later is
    /// served already; clears its load problem.
    /// </summary>
    /// <returns>Whether it is served now.</returns>
    /// <exception cref="ExperimentDefinitionException">The scorer refused it (e.g. a variant's model is not served).</exception>
    public bool Apply(ExperimentDefinition experiment, DateTimeOffset updatedAt)
    {
        lock (_servedAt)
        {
            if (_servedAt.TryGetValue(experiment.Name, out var served) && updatedAt <= served)
            {
                return false;
            }

            scorer.SetExperiment(experiment);
            _servedAt[experiment.Name] = updatedAt;
        }

        _problems.TryRemove(experiment.Name, out _);
        return true;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (connection.DataSource is null)
        {
            return;
        }

        var migrated = await migrator.WaitUntilAppliedAsync(TimeSpan.Zero, cancellationToken);
        var loaded = migrated && await TryLoadAsync(cancellationToken);
        _waiting = ReconcileAsync(migrated, loaded, _stopping.Token);
    }

    public async Task TagsInvalidatedElsewhereAsync(IReadOnlyCollection<string> tags)
    {
        if (connection.DataSource is null || !tags.Contains(CacheTags.Experiments) || Volatile.Read(ref _stopped) != 0)
        {
            return;
        }

        try
        {
            await TryLoadAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the change is loaded at the next start.
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host may stop twice at once (under a test factory the entry point's Run and the factory both stop it):
        // the first stop cancels, and every stop waits for the loop, since the host disposes this loader (and the data
        // source and scorer the loop uses) as soon as its stop returns. A second stop returning at once could dispose
        // the token source before the first one's cancellation ran, leaving the loop waiting for a signal that never
        // comes. The loop honours its cancellation at every wait and query, so this wait is short; the host's stop
        // token (its shutdown timeout) bounds it all the same.
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            try
            {
                await _stopping.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // The host's other stop already disposed this loader (a stop racing the dispose): nothing is left to cancel.
            }
        }

        try
        {
            await _waiting.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's stop budget ran out first: the cancelled loop ends on its own, nothing more to wait for.
        }
    }

    public void Dispose()
    {
        // Disposed without a stop (a host that failed to start): end the loop, so that a late stop has nothing to wait for.
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            _stopping.Cancel();
        }

        _stopping.Dispose();
        _loading.Dispose();
    }

    private async Task ReconcileAsync(bool migrated, bool loaded, CancellationToken stopping)
    {
        try
        {
            if (!migrated)
            {
                // No budget: the wait ends when the migrations are applied or the host stops.
                await migrator.WaitUntilAppliedAsync(Timeout.InfiniteTimeSpan, stopping);
                loaded = await TryLoadAsync(stopping);
            }

            while (true)
            {
                await Task.Delay(loaded || _every < RetryAfterFailure ? _every : RetryAfterFailure, _time, stopping);
                loaded = await TryLoadAsync(stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: nothing to load any more.
        }
    }

    // Nobody awaits the loop until the host stops: a failure is logged now, as the host does for a faulted background
    // service, and the next round tries again.
    private async Task<bool> TryLoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await LoadAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            AdminLog.ExperimentsLoadFailed(logger, e);
            return false;
        }
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        // One load at a time: the fan-out's handlers and the reconcile run concurrently.
        await _loading.WaitAsync(cancellationToken);
        try
        {
            IReadOnlyList<StoredExperiment> stored;
            try
            {
                stored = await services.GetRequiredService<ExperimentStore>().ReadAllAsync(cancellationToken);
            }
            catch (NpgsqlException e)
            {
                AdminLog.ExperimentsUnreadable(logger, e.Message);
                return false;
            }

            var loaded = 0;
            foreach (var experiment in stored)
            {
                try
                {
                    loaded += Apply(experiment.Parse(), experiment.UpdatedAt) ? 1 : 0;
                }
                catch (ExperimentDefinitionException e)
                {
                    _problems[experiment.Name] = e.Message;
                    AdminLog.StoredExperimentSkipped(logger, experiment.Name, e.Message);
                }
            }

            // What this host cached about experiments (GET /experiments/{name}, the model listing) described the old ones.
            if (loaded > 0 && services.GetService<CacheInvalidation>() is { } cache)
            {
                await cache.InvalidateAsync([CacheTags.Models, CacheTags.Experiments], CancellationToken.None);
            }

            // Every round reads the store; only the first and those that changed something are worth a line.
            if (loaded > 0 || !_loadedOnce)
            {
                _loadedOnce = true;
                AdminLog.ExperimentsLoaded(logger, loaded);
            }

            return true;
        }
        finally
        {
            _loading.Release();
        }
    }
}
