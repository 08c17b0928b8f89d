using System.Globalization;
using System.Net;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.Storage;

/// <summary>The host gives trips stored before trips kept their state their state, in the background, once migrated.</summary>
public sealed class TripStateBackfillerTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private async Task<List<byte[]?>> StatesAsync(long driverId)
    {
        await using var command = database.DataSource.CreateCommand("SELECT state FROM trips WHERE driver_id = $1 ORDER BY started_at");
        command.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = driverId });
        var states = new List<byte[]?>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            states.Add(reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0));
        }

        return states;
    }

    [Fact]
    public async Task A_host_that_starts_over_trips_without_state_rebuilds_them_from_their_events()
    {
        long driver;
        await using (var first = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString))
        {
            using var admin = first.ClientAs(TestTokens.Admin());
            driver = await DrivingBodies.CreateDriverAsync(admin, "backfiller-" + Guid.NewGuid().ToString("N"));
            using var posted = await admin.PostAsync(
                new Uri(string.Create(CultureInfo.InvariantCulture, $"/api/v1/telematics/events?driverId={driver}"), UriKind.Relative),
                DrivingBodies.Content(DrivingBodies.Csv(2, 1200), "text/csv"));
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        var original = await StatesAsync(driver);
        Assert.Equal(2, original.Count);
        Assert.All(original, Assert.NotNull);
        await using (var clear = database.DataSource.CreateCommand($"UPDATE trips SET state = NULL WHERE driver_id = {driver}"))
        {
            await clear.ExecuteNonQueryAsync();
        }

        await using var second = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);
        using var client = second.ClientAs(null);
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<byte[]?> rebuilt;
        do
        {
            await Task.Delay(200);
            rebuilt = await StatesAsync(driver);
        }
        while (rebuilt.Contains(null) && DateTime.UtcNow < deadline);

        Assert.Equal(original, rebuilt);
    }
}
