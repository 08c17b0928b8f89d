using Npgsql;
using Telematics.Storage.Postgres.Migrations;

namespace Telematics.Api.Storage;

/// <summary>
/// Applies the storage migrations when the host starts. The first attempt is awaited during start-up, so a host
/// whose database answers serves nothing before the schema is current; when the database is unreachable the host
/// still starts (liveness stays green, readiness says why) and the migrator retries in the background.
/// </summary>
/// <param name="connection">The host's database connection.</param>
/// <param name="time">The clock the retries wait on.</param>
/// <param name="logger">Where attempts are logged.</param>
/// <param name="longestRetry">
/// The longest wait between retries (<see cref="LongestRetryKey"/>; default <see cref="DefaultLongestRetry"/>, 30 s). The
/// waits start at 1 s (or this, when shorter) and double up to it.
/// </param>
internal sealed class DatabaseMigrator(DatabaseConnection connection, TimeProvider time, ILogger<DatabaseMigrator> logger, TimeSpan? longestRetry = null)
    : IHostedService, IDisposable
{
    /// <summary>
    /// The setting of the longest wait between retries (a <see cref="TimeSpan"/>, default 30 s), for tests that wait for a
    /// retry; a production host has no reason to change it.
    /// </summary>
    public const string LongestRetryKey = "Storage:MigrationLongestRetry";

    /// <summary>The longest wait between retries unless <see cref="LongestRetryKey"/> says otherwise.</summary>
    public static readonly TimeSpan DefaultLongestRetry = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan DefaultFirstRetry = TimeSpan.FromSeconds(1);

    private readonly TimeSpan _longestRetry = longestRetry is { } longest && longest > TimeSpan.Zero ? longest : DefaultLongestRetry;

    private readonly TaskCompletionSource _applied = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;
    private int _stopped;
    private volatile string _problem = "Migrations have not been applied yet.";

    /// <summary>Why the schema is not known to be current; empty once the migrations are applied.</summary>
    public string Problem => _applied.Task.IsCompleted ? string.Empty : _problem;

    /// <summary>Waits up to <paramref name="budget"/> for the migrations to be applied.</summary>
    /// <returns><see langword="true"/> when the schema is current.</returns>
    public async Task<bool> WaitUntilAppliedAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        if (_applied.Task.IsCompleted)
        {
            return true;
        }

        try
        {
            await _applied.Task.WaitAsync(budget, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (connection.DataSource is not { } dataSource)
        {
            _problem = connection.Problem;
            return;
        }

        if (await TryApplyAsync(dataSource, cancellationToken).ConfigureAwait(false) is RetryDecision.Retry)
        {
            _retrying = RetryAsync(dataSource, _stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host may stop twice at once (under a test factory the entry point's Run and the factory both stop it):
        // the first stop cancels, and every stop waits for the retry loop, since the host disposes this migrator and the
        // data source as soon as its stop returns. A second stop returning at once could dispose the token source before
        // the first one's cancellation ran, and the loop would then sleep out its retry delay (up to 30 s).
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            try
            {
                await _stopping.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The host's other stop already disposed this migrator (a stop racing the dispose): nothing is left to cancel.
            }
        }

        try
        {
            await _retrying.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: an unfinished retry loop has nothing left to do.
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

    private async Task RetryAsync(NpgsqlDataSource dataSource, CancellationToken stopping)
    {
        var delay = DefaultFirstRetry < _longestRetry ? DefaultFirstRetry : _longestRetry;
        while (!stopping.IsCancellationRequested)
        {
            await Task.Delay(delay, time, stopping).ConfigureAwait(false);
            if (await TryApplyAsync(dataSource, stopping).ConfigureAwait(false) is RetryDecision.Done)
            {
                return;
            }

            delay = delay * 2 > _longestRetry ? _longestRetry : delay * 2;
        }
    }

    private async Task<RetryDecision> TryApplyAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        try
        {
            var applied = await new MigrationRunner(dataSource).ApplyAsync(cancellationToken).ConfigureAwait(false);
            StorageLog.MigrationsApplied(logger, applied.Count);
            _applied.TrySetResult();
            return RetryDecision.Done;
        }
        catch (MigrationException ex)
        {
            // An applied migration was changed, or one failed: retrying cannot fix it, an operator must.
            _problem = $"Migrations cannot be applied: {ex.Message}";
            StorageLog.MigrationsRefused(logger, ex);
            return RetryDecision.Done;
        }
        catch (ObjectDisposedException)
        {
            // The host is shutting down and has released the data source: nothing left to migrate for.
            return RetryDecision.Done;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            _problem = $"Migrations are waiting for PostgreSQL: {ex.Message}";
            StorageLog.MigrationsWaiting(logger, ex.Message);
            return RetryDecision.Retry;
        }
    }

    private enum RetryDecision
    {
        Done,
        Retry,
    }
}
