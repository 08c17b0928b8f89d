using Npgsql;

using Telematics.Storage.Postgres.Connection;
using Telematics.Testing;

namespace Telematics.Storage.Postgres.Tests.Connection;

/// <summary>
/// A commit whose answer is lost is looked up by the transaction's id: a stored transaction is reported stored, one cut
/// off before its COMMIT is reported failed, and a failure on a connection still open is the server's refusal.
/// </summary>
public sealed class CommitFateTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly string _table = "commit_fate_" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync() => await ExecuteAsync(database.DataSource, $"CREATE TABLE {_table} (id int NOT NULL)");

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string table)
    {
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // Ends the session the way a fast shutdown does: the server sends 57P01 and closes the socket.
    private static Task TerminateOwnSessionAsync(NpgsqlConnection connection) =>
        ExecuteAsync(connection, null, "SELECT pg_terminate_backend(pg_backend_pid())");

    // A transaction that has inserted one row and not yet committed.
    private async Task<DurableTransaction> BeginInsertingAsync(int id)
    {
        var write = await DurableTransaction.BeginAsync(database.DataSource, CancellationToken.None);
        await ExecuteAsync(write.Connection, write.Transaction, $"INSERT INTO {_table} VALUES ({id})");
        return write;
    }

    [Fact]
    public async Task A_commit_whose_answer_is_lost_is_reported_stored()
    {
        await using var write = await BeginInsertingAsync(1);
        var (connection, transaction) = (write.Connection, write.Transaction);

        await write.CommitAsync(
            async token =>
            {
                await transaction.CommitAsync(token);
                await TerminateOwnSessionAsync(connection); // the commit happened; its caller sees only the broken session
            },
            CancellationToken.None);

        Assert.NotEqual(System.Data.ConnectionState.Open, connection.FullState);
        Assert.Equal(1, await CountAsync(database.DataSource, _table));
    }

    [Fact]
    public async Task A_transaction_cut_off_before_its_commit_fails_with_the_commit_s_own_error()
    {
        await using var write = await BeginInsertingAsync(2);
        var (connection, transaction) = (write.Connection, write.Transaction);

        var failure = await Assert.ThrowsAnyAsync<NpgsqlException>(() => write.CommitAsync(
            _ => ExecuteAsync(connection, transaction, "SELECT pg_terminate_backend(pg_backend_pid())"), CancellationToken.None));

        Assert.Equal("57P01", (failure as PostgresException)?.SqlState);
        Assert.Equal(0, await CountAsync(database.DataSource, _table + " WHERE id = 2"));
    }

    [Fact]
    public async Task A_failure_on_a_connection_still_open_is_thrown_at_once()
    {
        await using var write = await BeginInsertingAsync(3);
        var (connection, transaction) = (write.Connection, write.Transaction);

        var failure = await Assert.ThrowsAsync<PostgresException>(() => write.CommitAsync(
            token => ExecuteAsync(connection, transaction, "SELECT 1 / 0", token), CancellationToken.None));

        Assert.Equal("22012", failure.SqlState);
        Assert.Equal(System.Data.ConnectionState.Open, connection.FullState);
        await transaction.RollbackAsync();
        Assert.Equal(0, await CountAsync(database.DataSource, _table + " WHERE id = 3"));
    }

    [Fact]
    public async Task A_rolled_back_transaction_is_not_reported_committed()
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var fate = await CommitFate.ReadAsync(database.DataSource, connection, transaction, CancellationToken.None);
        await transaction.RollbackAsync();

        Assert.False(await fate.CommittedAsync(CancellationToken.None));
    }
}
