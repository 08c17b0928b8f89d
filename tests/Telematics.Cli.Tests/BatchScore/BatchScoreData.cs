using System.Globalization;

using Telematics.Service.Scoring;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Trips;
using Telematics.Testing;

namespace Telematics.Cli.Tests.BatchScore;

/// <summary>Drivers with trips in the days before today (UTC), inside batch-score's default period.</summary>
internal static class BatchScoreData
{
    private static readonly AuditActor Actor = new("test:seed");

    public static async Task<long> DriverWithTripsAsync(PostgresDatabase database, string reference, int trips)
    {
        var driver = (await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync(reference, "Driver " + reference, Actor)).DriverId;
        var repository = new TripRepository(database.DataSource, TimeProvider.System);
        for (var i = 1; i <= trips; i++)
        {
            var trip = MeasuredTrips.Create(new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-i), 15, 0.4, 0.1 * (i % 3));
            await repository.WriteClosedTripAsync(driver, trip, Actor);
        }

        return driver;
    }

    public static string Ids(params long[] ids) => string.Join(',', ids.Select(id => id.ToString(CultureInfo.InvariantCulture)));

    public static async Task<long> CountAsync(PostgresDatabase database, string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>A driver id no driver has or will have: taken from the ids' sequence, so it sorts among new drivers.</summary>
    public static Task<long> UnusedDriverIdAsync(PostgresDatabase database) =>
        CountAsync(database, "SELECT nextval(pg_get_serial_sequence('drivers', 'driver_id'))");
}

/// <summary>Cancels a run once it has committed <paramref name="chunks"/> chunks, as Ctrl-C between chunks would.</summary>
internal sealed class StopAfter(int chunks, CancellationTokenSource stop) : IProgress<ScoringRunProgress>
{
    public void Report(ScoringRunProgress value)
    {
        if (value.Chunk >= chunks)
        {
            stop.Cancel();
        }
    }
}
