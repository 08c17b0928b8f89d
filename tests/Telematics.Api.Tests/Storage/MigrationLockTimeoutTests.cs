using System.Diagnostics;
using System.Net;

using Npgsql;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.Storage;

/// <summary>
/// A host that loses a lock race while migrating (as in a rolling upgrade, where an old host holds a table the new
/// migration needs until the migration's <c>lock_timeout</c> runs out) retries and becomes ready once the lock is free,
/// instead of reporting the schema as unmigratable until restarted. The lock timeout is PostgreSQL's own.
/// </summary>
public sealed class MigrationLockTimeoutTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_host_whose_migration_ran_out_of_lock_time_retries_and_becomes_ready_once_the_lock_is_released()
    {
        await using var other = new NpgsqlConnection(database.ConnectionString);
        await other.OpenAsync();
        await ExecuteAsync(other, $"ALTER DATABASE \"{database.DatabaseName}\" SET lock_timeout = '500ms'");
        // The runner's own table as it creates it; held in SHARE mode, its reads pass and its record of the first
        // migration (an INSERT, inside the migration's transaction) waits for the lock and times out.
        await ExecuteAsync(other,
            "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum bytea NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
        var holding = await other.BeginTransactionAsync();
        await ExecuteAsync(other, "LOCK TABLE schema_migrations IN SHARE MODE");

        // The host's start makes the first attempt, which fails on the held lock.
        // Retries at most 250 ms apart (default: 1, 2, 4 … 30 s), so the test waits for the retry after the release, not
        // for the backoff's next step (a wait of up to 8 s here); the retry is what the test checks, not its schedule.
        await using var host = new ApiHost()
            .With("ConnectionStrings:Telematics", database.ConnectionString)
            .With("Storage:MigrationLongestRetry", "00:00:00.250");
        using var client = host.ClientAs(null);
        using (var during = await client.GetAsync(new Uri("/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        }

        await holding.CommitAsync();

        var clock = Stopwatch.StartNew();
        HttpStatusCode ready;
        do
        {
            await Task.Delay(250);
            using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            ready = response.StatusCode;
        }
        while (ready != HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.OK, ready);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
