using Npgsql;

using Telematics.Service.Ingest;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Infrastructure;

/// <summary>A migrated fixture database with its drivers, the stream ingestor over it, and reads of what was stored.</summary>
internal sealed class Book(NpgsqlDataSource dataSource)
{
    public static readonly AuditActor Actor = new("test:stream");

    public NpgsqlDataSource DataSource => dataSource;

    public EventStreamIngestor Ingestor { get; } = new(new EventIngestor(
        dataSource, new PartitionManager(dataSource, new Telematics.Storage.Postgres.TelematicsPostgresOptions(), TimeProvider.System), TimeProvider.System));

    public static async Task<Book> OpenAsync(PostgresDatabase database)
    {
        await new MigrationRunner(database.DataSource).ApplyAsync();
        return new Book(database.DataSource);
    }

    /// <summary>Creates <paramref name="count"/> drivers; their ids in creation order.</summary>
    public async Task<long[]> CreateDriversAsync(int count)
    {
        var drivers = new DriverRepository(dataSource, TimeProvider.System);
        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = (await drivers.CreateAsync($"stream-{i}-{Guid.NewGuid():N}", $"Driver {i}", Actor)).DriverId;
        }

        return ids;
    }

    public async Task<long> ScalarAsync(string sql, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Events per (driver, event id, time): every count is 1 when nothing was stored twice.</summary>
    public async Task<Dictionary<long, long>> EventCountsAsync()
    {
        var counts = new Dictionary<long, long>();
        await using var command = dataSource.CreateCommand("SELECT driver_id, count(*) FROM telematics_events GROUP BY driver_id");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counts[reader.GetInt64(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>Each driver's trips, in start order, as comparable text (times, distance, samples, feature bits); trip ids left out.</summary>
    public async Task<Dictionary<long, List<string>>> TripsAsync()
    {
        var trips = new Dictionary<long, List<string>>();
        await using var command = dataSource.CreateCommand(
            "SELECT driver_id, started_at, ended_at, distance_km, sample_count, harsh_brake_count, features FROM trips ORDER BY driver_id, started_at");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var features = reader.GetFieldValue<float[]>(6);
            var row = string.Join(
                ',',
                reader.GetFieldValue<DateTime>(1).ToString("O"),
                reader.GetFieldValue<DateTime>(2).ToString("O"),
                reader.GetDouble(3).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                reader.GetInt32(4),
                reader.GetInt32(5),
                string.Join(' ', features.Select(f => BitConverter.SingleToInt32Bits(f))));
            var driver = reader.GetInt64(0);
            if (!trips.TryGetValue(driver, out var list))
            {
                trips[driver] = list = [];
            }

            list.Add(row);
        }

        return trips;
    }
}
