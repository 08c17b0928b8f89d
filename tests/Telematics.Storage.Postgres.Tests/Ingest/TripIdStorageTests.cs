using System.IO.Pipelines;
using System.Text;

using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;
using Telematics.Service.Ingest;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Ingest;

/// <summary>
/// The source's trip id lives in the stored flags: it survives storage, re-reading of stored events when a later upload
/// continues the open trip, and an archive round trip.
/// </summary>
public sealed class TripIdStorageTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Morning = new(2026, 5, 12, 7, 30, 0, TimeSpan.Zero);

    // Inside the drive after the light (moving at about 14 m/s): trip 5 before it, trip 6 from it on.
    private const int Change = 600;

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("telematics-trip-id-");

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _folder.Delete(recursive: true);

    private static string[] Lines() =>
        ContinuationTrips.Lines(Morning).Select((line, i) => line + "," + (i < Change ? "5" : "6")).ToArray();

    private static async Task<EventStreamResult> PostAsync(EventStreamIngestor ingestor, long driverId, IEnumerable<string> lines)
    {
        var body = Encoding.UTF8.GetBytes(ContinuationTrips.Header + ",trip\n" + string.Join('\n', lines) + "\n");
        await using var reader = CsvSampleReader.Create(PipeReader.Create(new MemoryStream(body)), new CsvColumnMapping { TripId = "trip" });
        return await ingestor.IngestAsync(driverId, reader, TimeZoneInfo.Utc, Actor);
    }

    private async Task<long> NewDriverAsync(string prefix) =>
        (await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync(prefix + "-" + Guid.NewGuid().ToString("N"), "Driver " + prefix, Actor)).DriverId;

    private async Task<List<(DateTime Start, DateTime End, int Samples)>> TripsAsync(long driverId)
    {
        await using var command = database.DataSource.CreateCommand("SELECT started_at, ended_at, sample_count FROM trips WHERE driver_id = $1 ORDER BY started_at");
        command.Parameters.AddWithValue(driverId);
        var trips = new List<(DateTime, DateTime, int)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            trips.Add((reader.GetFieldValue<DateTime>(0), reader.GetFieldValue<DateTime>(1), reader.GetInt32(2)));
        }

        return trips;
    }

    private async Task<List<short>> FlagsAsync(long driverId)
    {
        await using var command = database.DataSource.CreateCommand("SELECT flags FROM telematics_events WHERE driver_id = $1 ORDER BY ts");
        command.Parameters.AddWithValue(driverId);
        var flags = new List<short>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            flags.Add(reader.GetInt16(0));
        }

        return flags;
    }

    [Theory]
    [InlineData(300)] // the change comes in the second upload, which continues trip 5 from its stored events
    [InlineData(Change)] // the second upload starts with trip 6: the last stored event is the only sign of trip 5
    public async Task An_id_change_cuts_the_trip_the_same_whether_the_events_come_in_one_upload_or_two(int split)
    {
        var lines = Lines();
        var whole = await NewDriverAsync("trip-id-one");
        var ingestor = new EventStreamIngestor(NewIngestor(database));
        await PostAsync(ingestor, whole, lines);
        var parts = await NewDriverAsync("trip-id-two");

        await PostAsync(ingestor, parts, lines[..split]);
        await PostAsync(ingestor, parts, lines[split..]);

        var expected = await TripsAsync(whole);
        Assert.Equal(2, expected.Count);
        Assert.Equal(Morning.AddSeconds(Change).UtcDateTime, expected[1].Start);
        Assert.Equal(expected, await TripsAsync(parts));
    }

    [Fact]
    public async Task Trip_flags_are_stored_as_sent_and_restored_from_an_archive_unchanged()
    {
        const long DriverId = 331;
        var manager = NewPartitionManager(database);
        var month = new PartitionMonth(2018, 3);
        var samples = Samples(month.Start.AddDays(3), 256);
        for (var i = 0; i < samples.Count; i++)
        {
            samples.Flags[i] = (SampleFlags)(i % 8) | TripTag.FromId(i / 16);
        }

        var sent = samples.Flags.ToArray().Select(f => (short)f).ToList();
        await NewIngestor(database, manager).IngestAsync(DriverId, samples, Actor);
        Assert.Equal(sent, await FlagsAsync(DriverId));

        var archive = await manager.ArchiveAsync(month, _folder.FullName, Actor);
        Assert.NotNull(archive);
        Assert.Empty(await FlagsAsync(DriverId));
        Assert.Equal(256, await manager.RestoreAsync(archive.FilePath, month, Actor));
        Assert.Equal(sent, await FlagsAsync(DriverId));
    }
}
