using Npgsql;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Audit;

/// <summary>Many audit rows in one transaction chain exactly as one by one (migration 0013 carries the head in the transaction).</summary>
public sealed class AuditBulkAppendTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Rows_appended_in_one_transaction_with_a_rolled_back_savepoint_verify_and_leave_the_head_at_the_last_row()
    {
        var log = new AuditLog(database.DataSource, TimeProvider.System);
        await log.AppendAsync(new AuditActor("t"), "driver.create", "driver/1", null, "{}");

        await using (var connection = await database.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await InsertAsync(connection, transaction, 5_000, "bulk.a");
            await transaction.SaveAsync("half");
            await InsertAsync(connection, transaction, 300, "bulk.rolled-back");
            await transaction.RollbackAsync("half");
            await InsertAsync(connection, transaction, 5_000, "bulk.b");
            await transaction.CommitAsync();
        }

        await log.AppendAsync(new AuditActor("t"), "driver.update", "driver/1", "{}", "{}");

        var verdict = await log.VerifyAsync(null);
        Assert.True(verdict.IsIntact, verdict.ToString());
        Assert.Equal(await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log"), verdict.Length);
        Assert.Equal(10_000, await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log WHERE action IN ('bulk.a', 'bulk.b')"));
        Assert.Equal(0, await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log WHERE action = 'bulk.rolled-back'"));
        Assert.Equal(1, await ScalarAsync(database.DataSource,
            "SELECT count(*) FROM audit_chain_head h JOIN audit_log l ON l.seq = h.seq AND l.hash = h.hash WHERE l.seq = (SELECT max(seq) FROM audit_log)"));
    }

    [Fact]
    public async Task Two_transactions_appending_at_once_still_form_one_chain()
    {
        var log = new AuditLog(database.DataSource, TimeProvider.System);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            await using var connection = await database.DataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await InsertAsync(connection, transaction, 500, "parallel." + i);
            await transaction.CommitAsync();
        })));

        var verdict = await log.VerifyAsync(null);
        Assert.True(verdict.IsIntact, verdict.ToString());
        Assert.Equal(await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log"), verdict.Length);
    }

    private static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int rows, string action)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO audit_log (occurred_at, actor, action, resource, after) SELECT now(), 'test:bulk', $1, 'row/' || g, jsonb_build_object('n', g) FROM generate_series(1, $2) g",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = action });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = rows });
        await command.ExecuteNonQueryAsync();
    }
}
