using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telematics.Api.Administration;
using Telematics.Api.Storage;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Service;
using Telematics.Storage.Postgres.Experiments;
using Telematics.Testing;

namespace Telematics.Api.Tests.Administration;

/// <summary>
/// The loader on its own, against the real database: started before the migrations are applied, so that the stored
/// experiments are read by its background loop, whose step the test holds where it resolves the store.
/// </summary>
public sealed class ExperimentLoaderTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ManualResetEventSlim _release = new();
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ModelRegistry _registry = new(new ModelRegistryOptions());
    private readonly CapturingLogger _log = new();
    private Exception? _storeFailure;

    [Fact]
    public async Task Stop_returns_only_after_the_loading_loop_has_ended()
    {
        using var loader = await LoaderInsideItsLoopAsync();

        var stop = loader.Loader.StopAsync(CancellationToken.None);
        var early = await Task.WhenAny(stop, Task.Delay(TimeSpan.FromMilliseconds(300)));
        _release.Set();
        await stop.WaitAsync(Patience);

        Assert.NotSame(stop, early);
        Assert.DoesNotContain(_log.Entries, e => e.Id == 7002 || e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task A_second_stop_at_the_same_time_also_returns_only_after_the_loop_has_ended()
    {
        // Under WebApplicationFactory the entry point's Run and the factory both stop the host; whichever returns first
        // lets its caller dispose the host, so neither may return while the loop still runs.
        using var loader = await LoaderInsideItsLoopAsync();

        var first = loader.Loader.StopAsync(CancellationToken.None);
        var second = loader.Loader.StopAsync(CancellationToken.None);
        var early = await Task.WhenAny(first, second, Task.Delay(TimeSpan.FromMilliseconds(300)));
        _release.Set();
        await Task.WhenAll(first, second).WaitAsync(Patience);

        Assert.NotSame(first, early);
        Assert.NotSame(second, early);
    }

    [Fact]
    public async Task Stop_waits_for_the_loop_no_longer_than_the_hosts_stop_token_allows()
    {
        using var loader = await LoaderInsideItsLoopAsync();
        using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await loader.Loader.StopAsync(budget.Token).WaitAsync(Patience);

        Assert.True(budget.IsCancellationRequested);
        Assert.False(_release.IsSet);
    }

    [Fact]
    public async Task A_failure_in_the_loading_loop_is_logged_when_it_happens_and_stop_still_returns()
    {
        _storeFailure = new InvalidOperationException("The experiment store is broken.");
        using var loader = await LoaderInsideItsLoopAsync();

        _release.Set();
        var logged = await _log.FirstError.Task.WaitAsync(Patience);
        await loader.Loader.StopAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Same(_storeFailure, logged.Exception);
        Assert.Equal(7006, logged.Id);
    }

    public void Dispose()
    {
        _release.Set();
        _release.Dispose();
        _registry.Dispose();
    }

    private async Task<StartedLoader> LoaderInsideItsLoopAsync()
    {
        var services = new ServiceCollection()
            .AddSingleton(database.DataSource)
            .AddSingleton(_ =>
            {
                _entered.TrySetResult();
                _release.Wait(Patience);
                return _storeFailure is null ? new ExperimentStore(database.DataSource, TimeProvider.System) : throw _storeFailure;
            })
            .BuildServiceProvider();
        var connection = new DatabaseConnection(services);
        var migrator = new DatabaseMigrator(connection, TimeProvider.System, NullLogger<DatabaseMigrator>.Instance);
        var scorer = new ExperimentScorer(new RiskScorer(_registry), []);
        var loader = new ExperimentLoader(connection, migrator, scorer, services, _log);

        // Started before the migrations: the loader leaves the loading to its loop, which the migrator then releases.
        await loader.StartAsync(CancellationToken.None);
        await migrator.StartAsync(CancellationToken.None);
        await _entered.Task.WaitAsync(Patience);
        return new StartedLoader(loader, migrator, services);
    }

    private sealed record StartedLoader(ExperimentLoader Loader, DatabaseMigrator Migrator, ServiceProvider Services) : IDisposable
    {
        public void Dispose()
        {
            Loader.Dispose();
            Migrator.Dispose();
            Services.Dispose();
        }
    }

    private sealed class CapturingLogger : ILogger<ExperimentLoader>
    {
        public ConcurrentQueue<(int Id, LogLevel Level, Exception? Exception)> Entries { get; } = new();

        public TaskCompletionSource<(int Id, Exception? Exception)> FirstError { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Entries.Enqueue((eventId.Id, logLevel, exception));
            if (logLevel >= LogLevel.Error)
            {
                FirstError.TrySetResult((eventId.Id, exception));
            }
        }
    }
}
