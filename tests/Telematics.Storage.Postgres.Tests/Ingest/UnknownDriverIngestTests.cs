using Telematics.Service.Ingest;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Ingest;

/// <summary>
/// Raw events have no foreign key to their driver: an upload for a driver that does not exist (or was erased while its
/// body was read) must store nothing, even when it closes no trip that the key would have stopped.
/// </summary>
public sealed class UnknownDriverIngestTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_upload_for_no_driver_that_closes_no_trip_is_refused_and_stores_no_event()
    {
        const long nobody = 987_654_321;
        // Thirty seconds of driving: too short to close a trip, so no trip row would have met the key.
        var lines = ContinuationTrips.Lines(new DateTimeOffset(2026, 2, 3, 8, 0, 0, TimeSpan.Zero))[..30];

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => ContinuationTrips.PostAsync(new EventStreamIngestor(NewIngestor(database)), nobody, lines));

        Assert.Contains($"No driver {nobody}", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM telematics_events WHERE driver_id = {nobody}"));
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM audit_log WHERE resource LIKE 'driver/{nobody}/%'"));
    }
}
