using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Audit;

/// <summary>
/// Uploads send their audit row and COMMIT in one round trip, so that the chain's head is not held across a client round
/// trip; a failing audit row must still leave nothing of the upload, and the connection must go back to the pool clean.
/// </summary>
public sealed class AuditAppendAndCommitTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset March = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_upload_whose_audit_row_fails_stores_nothing_and_the_next_upload_commits_and_chains()
    {
        var drivers = new DriverRepository(database.DataSource, TimeProvider.System);
        var refused = (await drivers.CreateAsync("audit-commit-refused", "Refused", Actor)).DriverId;
        var accepted = (await drivers.CreateAsync("audit-commit-accepted", "Accepted", Actor)).DriverId;

        // The database refuses the audit row of one driver's upload: the insert fails after the events are written.
        await ExecuteAsync(database.DataSource, $"""
            CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.resource = 'driver/{refused}' THEN RAISE EXCEPTION 'audit refused by the test'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_refuse_audit();
            """);
        try
        {
            var ingestor = NewIngestor(database);
            await Assert.ThrowsAsync<Npgsql.PostgresException>(() => ingestor.IngestAsync(refused, Samples(March, 400), Actor));
            await using (var session = await ingestor.BeginSessionAsync(refused, Actor))
            {
                await session.AppendAsync(Samples(March.AddHours(1), 300));
                await Assert.ThrowsAsync<Npgsql.PostgresException>(() => session.CommitAsync());
            }

            Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM telematics_events WHERE driver_id = {refused}"));

            // The pooled connections those uploads used are clean: the next uploads commit in their own transactions.
            for (var i = 0; i < 3; i++)
            {
                var result = await ingestor.IngestAsync(accepted, Samples(March.AddDays(i), 200, firstEventId: 1 + (i * 200)), Actor);
                Assert.Equal(200, result.Stored);
            }

            await using (var session = await ingestor.BeginSessionAsync(accepted, Actor))
            {
                await session.AppendAsync(Samples(March.AddDays(5), 250, firstEventId: 10_000));
                Assert.Equal(250, (await session.CommitAsync()).Stored);
            }

            Assert.Equal(850, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM telematics_events WHERE driver_id = {accepted}"));
            Assert.Equal(4, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM audit_log WHERE resource = 'driver/{accepted}' AND action = 'events.ingest'"));
        }
        finally
        {
            await ExecuteAsync(database.DataSource, "DROP TRIGGER test_refuse_audit ON audit_log; DROP FUNCTION test_refuse_audit()");
        }

        var verification = await new AuditLog(database.DataSource, TimeProvider.System).VerifyAsync();
        Assert.True(verification.IsIntact, verification.ToString());
    }
}
