using System.Globalization;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Storage.Postgres.Trips;
using Telematics.Testing;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>Stores drivers with trips in the last days, the way ingest would, for the risk and pricing endpoint tests.</summary>
internal static class RiskTestData
{
    private static readonly AuditActor Actor = new("test:seed");

    public static Task MigrateAsync(PostgresDatabase database) => new MigrationRunner(database.DataSource).ApplyAsync();

    /// <summary>A driver with <paramref name="trips"/> daily 20 km trips ending yesterday.</summary>
    public static async Task<long> DriverWithTripsAsync(PostgresDatabase database, string reference, int trips, float nightShare = 0.02f, float harshPer100Km = 0.5f)
    {
        var driver = (await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync(reference, "Driver " + reference, Actor)).DriverId;
        var repository = new TripRepository(database.DataSource, TimeProvider.System);
        var today = DateTimeOffset.UtcNow.Date;
        for (var i = 1; i <= trips; i++)
        {
            var trip = MeasuredTrips.Create(new DateTimeOffset(today, TimeSpan.Zero).AddDays(-i), 20, 0.5, nightShare, harshPer100Km);
            await repository.WriteClosedTripAsync(driver, trip, Actor);
        }

        return driver;
    }

    public static string Id(long driverId) => driverId.ToString(CultureInfo.InvariantCulture);

    public static async Task<long> CountAsync(PostgresDatabase database, string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
