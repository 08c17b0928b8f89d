using Npgsql;

using Telematics.Service.Ingest;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Schema;

/// <summary>Each hot query of the repositories can use its index and, for events, touches only the months it must.</summary>
public sealed class HotQueryPlanTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await MigrateAsync(database);
        var manager = NewPartitionManager(database);
        for (var month = new PartitionMonth(2026, 1); month <= new PartitionMonth(2026, 6); month = month.AddMonths(1))
        {
            await manager.CreateAsync(month, Actor);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> PlanAsync(string query, string? prepare = null)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        // Small test tables make a sequential scan cheapest; switching it off asks whether an index can serve the query.
        await using (var setting = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await setting.ExecuteNonQueryAsync();
        }

        if (prepare is not null)
        {
            // A statement with parameters is planned through PREPARE, as the driver sends it.
            await using var prepared = new NpgsqlCommand(prepare, connection);
            await prepared.ExecuteNonQueryAsync();
        }

        await using var explain = new NpgsqlCommand("EXPLAIN " + query, connection);
        var lines = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }

    [Fact]
    public async Task Events_of_a_driver_in_a_month_use_the_key_index_of_that_month_only()
    {
        var plan = await PlanAsync("SELECT * FROM telematics_events WHERE driver_id = 7 AND ts >= '2026-03-01 00:00+00' AND ts < '2026-04-01 00:00+00'");

        Assert.Contains("telematics_events_2026_03_pkey", plan, StringComparison.Ordinal);
        foreach (var other in new[] { "2026_01", "2026_02", "2026_04", "2026_05", "2026_06", "default" })
        {
            Assert.DoesNotContain("telematics_events_" + other, plan, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Events_of_a_driver_over_two_months_touch_exactly_those_two()
    {
        var plan = await PlanAsync("SELECT * FROM telematics_events WHERE driver_id = 7 AND ts >= '2026-02-15 00:00+00' AND ts < '2026-03-15 00:00+00'");

        Assert.Contains("telematics_events_2026_02_pkey", plan, StringComparison.Ordinal);
        Assert.Contains("telematics_events_2026_03_pkey", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("telematics_events_2026_04", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("telematics_events_default", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_continuation_look_back_over_untripped_samples_reads_one_driver_in_the_upload_month_by_its_key()
    {
        var plan = await PlanAsync(
            "EXECUTE tail(7, '2026-03-10 07:00+00', '2026-03-10 08:00+00', 1.0, '600 seconds')",
            "PREPARE tail(bigint, timestamptz, timestamptz, real, interval) AS " + PostgresUploadSession.UntrippedTailSql);

        Assert.Contains("telematics_events_2026_03_pkey", plan, StringComparison.Ordinal);
        foreach (var other in new[] { "2026_02", "2026_04", "default" })
        {
            Assert.DoesNotContain("telematics_events_" + other, plan, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("SELECT driver_id, trip_id, started_at, features FROM trips WHERE driver_id = 7 AND started_at >= '2026-01-01' AND started_at < '2026-04-01' ORDER BY started_at", "trips_driver_id_started_at_key")]
    [InlineData("SELECT * FROM risk_scores WHERE driver_id = 7 ORDER BY scored_at DESC LIMIT 100", "risk_scores_driver_time_idx")]
    [InlineData("SELECT avg(score) FROM risk_scores WHERE driver_id = 7 AND scored_at >= '2026-01-01' AND scored_at < '2026-04-01'", "risk_scores_driver_time_idx")]
    [InlineData("SELECT * FROM premiums WHERE driver_id = 7 ORDER BY effective_at DESC LIMIT 100", "premiums_driver_time_idx")]
    [InlineData("SELECT * FROM audit_log WHERE resource = 'driver/7' ORDER BY seq DESC LIMIT 50", "audit_log_resource_idx")]
    [InlineData("SELECT * FROM vehicles WHERE driver_id = 7", "vehicles_driver_idx")]
    public async Task Repository_queries_use_their_index(string query, string index)
    {
        var plan = await PlanAsync(query);
        Assert.Contains(index, plan, StringComparison.Ordinal);
    }
}
