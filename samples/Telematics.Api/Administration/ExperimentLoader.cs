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
/// </remarks>
internal sealed class ExperimentLoader(
    DatabaseConnection connection,
    DatabaseMigrator migrator,
    ExperimentScorer scorer,
    IServiceProvider services,
    ILogger<ExperimentLoader> logger) : IHostedService, IRemoteTagListener, IDisposable
{
    private readonly ConcurrentDictionary<string, string> _problems = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task _waiting = Task.CompletedTask;
    private int _stopped;

    /// <summary>Why the stored experiment <paramref name="name"/> is not served, or null when it is (or is not stored).</summary>
    public string? ProblemOf(string name) => _problems.GetValueOrDefault(name);

    /// <summary>Clears the load problem of <paramref name="name"/> once a valid definition has been put.</summary>
    public void Served(string name) => _problems.TryRemove(name, out _);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (connection.DataSource is null)
        {
            return;
        }

        if (await migrator.WaitUntilAppliedAsync(TimeSpan.Zero, cancellationToken))
        {
            await LoadAsync(cancellationToken);
            return;
        }

        _waiting = WaitThenLoadAsync(_stopping.Token);
    }

    public async Task TagsInvalidatedElsewhereAsync(IReadOnlyCollection<string> tags)
    {
        if (connection.DataSource is null || !tags.Contains(CacheTags.Experiments) || Volatile.Read(ref _stopped) != 0)
        {
            return;
        }

        try
        {
            await LoadAsync(_stopping.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            AdminLog.ExperimentsLoadFailed(logger, e);
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
    }

    private async Task WaitThenLoadAsync(CancellationToken stopping)
    {
        try
        {
            // No budget: the wait ends when the migrations are applied or the host stops.
            await migrator.WaitUntilAppliedAsync(Timeout.InfiniteTimeSpan, stopping);
            await LoadAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping before the experiments were loaded: nothing to load any more.
        }
        catch (Exception e)
        {
            // Nobody awaits this loop until the host stops: log now, as the host does for a faulted background service.
            AdminLog.ExperimentsLoadFailed(logger, e);
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<StoredExperiment> stored;
        try
        {
            stored = await services.GetRequiredService<ExperimentStore>().ReadAllAsync(cancellationToken);
        }
        catch (NpgsqlException e)
        {
            AdminLog.ExperimentsUnreadable(logger, e.Message);
            return;
        }

        var loaded = 0;
        foreach (var experiment in stored)
        {
            try
            {
                scorer.SetExperiment(experiment.Parse());
                loaded++;
            }
            catch (ExperimentDefinitionException e)
            {
                _problems[experiment.Name] = e.Message;
                AdminLog.StoredExperimentSkipped(logger, experiment.Name, e.Message);
            }
        }

        AdminLog.ExperimentsLoaded(logger, loaded);
    }
}
