using System.Diagnostics;

using Npgsql;

using Telematics.Storage.Postgres.Connection;
using Telematics.Testing;

namespace Telematics.Storage.Postgres.Tests.Connection;

/// <summary>
/// The case that made <see cref="CommitFate"/>: the server commits, then a fast shutdown cuts the session before its
/// answer. The lookup waits for the server to come back and reports the transaction stored.
/// </summary>
public sealed class CommitFateOutageTests : IAsyncLifetime
{
    private readonly PrivateCluster _cluster = new("storage-commit-fate");
    private NpgsqlDataSource? _dataSource;

    private NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await _cluster.StartAsync());
        await using var command = DataSource.CreateCommand("CREATE TABLE IF NOT EXISTS commit_fate (id int NOT NULL)");
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        await _cluster.DestroyAsync();
    }

    [Fact]
    public async Task A_commit_answered_by_a_shutdown_is_resolved_once_the_server_is_back()
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var fate = await CommitFate.ReadAsync(DataSource, connection, transaction, CancellationToken.None);
        await using (var insert = new NpgsqlCommand("INSERT INTO commit_fate VALUES (7)", connection, transaction))
        {
            await insert.ExecuteNonQueryAsync();
        }

        Task? restart = null;
        var clock = Stopwatch.StartNew();
        await fate.CommitAsync(
            connection,
            async token =>
            {
                await transaction.CommitAsync(token);
                await _cluster.StopAsync();
                restart = Task.Delay(TimeSpan.FromSeconds(2)).ContinueWith(_ => _cluster.StartAsync(), TaskScheduler.Default).Unwrap();
                await using var probe = new NpgsqlCommand("SELECT 1", connection);
                await probe.ExecuteNonQueryAsync(token); // the session is gone: the caller's view of a lost acknowledgement
            },
            CancellationToken.None);

        Assert.NotNull(restart);
        await restart;
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"resolved after {clock.Elapsed} without the server");
        await using var count = DataSource.CreateCommand("SELECT count(*) FROM commit_fate WHERE id = 7");
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }
}
