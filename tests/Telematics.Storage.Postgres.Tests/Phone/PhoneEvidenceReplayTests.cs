using System.IO.Pipelines;
using System.Text;

using Npgsql;

using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Service.Ingest;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Phone;
using Telematics.Storage.Postgres.Trips;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Ingest.ContinuationTrips;

namespace Telematics.Storage.Postgres.Tests.Phone;

/// <summary>
/// Phone evidence stored per driver (migration 0023) survives a trip being replaced: every path that re-measures a trip
/// from its stored events measures it with the evidence, bit for bit as one pipeline over all the events and the phone.
/// </summary>
public sealed class PhoneEvidenceReplayTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 6, 9, 7, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private PhoneRecordingStore Recordings => new(database.DataSource, NewPartitionManager(database), TimeProvider.System);

    private async Task<long> NewDriverAsync(string prefix) =>
        (await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync(prefix + "-" + Guid.NewGuid().ToString("N"), "Driver " + prefix, Actor)).DriverId;

    /// <summary>The phone covers the whole trip of <see cref="ContinuationTrips.Lines"/> and finds two brakings, a turn and a handling span GPS does not show.</summary>
    private static ImuTripEvidence Phone(DateTimeOffset start, float brakingPeak = 4.4f)
    {
        var t0 = start.ToUnixTimeMilliseconds();
        var imu = new ImuTripEvidence();
        imu.AddCoverage(t0 - 10_000, t0 + 810_000);
        imu.AddManoeuvre(ManoeuvreKind.HarshBraking, t0 + 120_000, t0 + 122_000, t0 + 121_000, brakingPeak, brakingPeak / 3.4f);
        imu.AddManoeuvre(ManoeuvreKind.HarshLeftTurn, t0 + 205_000, t0 + 209_000, t0 + 207_000, 4.6f, 4.6f / 3.9f);
        imu.AddHandling(t0 + 520_000, t0 + 580_000, 2.2f, remounted: true);
        imu.AddManoeuvre(ManoeuvreKind.HarshBraking, t0 + 650_000, t0 + 651_500, t0 + 651_000, 3.9f, 3.9f / 3.4f);
        return imu;
    }

    /// <summary>One pipeline over all the lines with the phone: what the stored trip must equal, however it was stored.</summary>
    private static async Task<TripFeatures> MeasureAsync(string[] lines, ImuTripEvidence? imu)
    {
        var pipeline = new DriverFeaturePipeline(TimeZoneInfo.Utc) { Imu = imu };
        var trips = new List<TripFeatures>(pipeline.Push(await ReadAsync(lines)));
        trips.AddRange(pipeline.Complete());
        return Assert.Single(trips);
    }

    private static async Task<SampleBuffer> ReadAsync(string[] lines)
    {
        var body = Encoding.UTF8.GetBytes(Header + "\n" + string.Join('\n', lines) + "\n");
        await using var reader = CsvSampleReader.Create(PipeReader.Create(new MemoryStream(body)));
        var samples = new SampleBuffer(lines.Length + 1);
        Assert.True((await reader.ReadAsync(samples)).IsCompleted);
        return samples;
    }

    private async Task<(long TripId, int[] Bits, (int, int, int) Counts, string[] Manoeuvres)> StoredTripAsync(long driverId)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT trip_id, features, harsh_brake_count, rapid_accel_count, harsh_corner_count FROM trips WHERE driver_id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        long id;
        float[] features;
        (int, int, int) counts;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            (id, features, counts) = (reader.GetInt64(0), reader.GetFieldValue<float[]>(1), (reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4)));
            Assert.False(await reader.ReadAsync(), "one trip expected");
        }

        var manoeuvres = await new TripReader(database.DataSource).ReadManoeuvresAsync(id);
        return (id, Bits(features), counts, [.. manoeuvres.Select(m => $"{m.Kind}@{m.StartedAt.ToUnixTimeMilliseconds()}-{m.EndedAt.ToUnixTimeMilliseconds()}/{m.PeakAt?.ToUnixTimeMilliseconds()}/{m.PeakMps2}/{m.Severity}/{m.PeakRotationRadS}/{m.Remounted}")]);
    }

    private static int[] Bits(ReadOnlySpan<float> features)
    {
        var bits = new int[features.Length];
        for (var i = 0; i < features.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(features[i]);
        }

        return bits;
    }

    private static (int, int, int) Counts(TripFeatures trip)
    {
        var row = TripRepository.ToRecord(1, trip);
        return (row.HarshBrakeCount, row.RapidAccelerationCount, row.HarshCorneringCount);
    }

    private static string[] Expected(ImuTripEvidence imu, TripFeatures trip)
    {
        var rows = new List<string>();
        for (var k = 0; k < imu.ManoeuvreCount; k++)
        {
            if (imu.ManoeuvreStartUnixMs[k] >= trip.StartUnixMs && imu.ManoeuvreStartUnixMs[k] <= trip.EndUnixMs)
            {
                rows.Add($"{TripManoeuvreWriter.Name(imu.ManoeuvreKinds[k])}@{imu.ManoeuvreStartUnixMs[k]}-{imu.ManoeuvreEndUnixMs[k]}/{imu.ManoeuvrePeakUnixMs[k]}/{imu.ManoeuvrePeakMps2[k]}/{imu.ManoeuvreSeverity[k]}//");
            }
        }

        for (var k = 0; k < imu.HandlingCount; k++)
        {
            rows.Add($"phone_handling@{imu.HandlingStartUnixMs[k]}-{imu.HandlingEndUnixMs[k]}////{imu.HandlingPeakRotationRadS[k]}/{imu.HandlingRemounted[k]}");
        }

        return [.. rows.OrderBy(r => long.Parse(r[(r.IndexOf('@') + 1)..r.IndexOf('-')], System.Globalization.CultureInfo.InvariantCulture))];
    }

    [Fact]
    public async Task A_trip_continued_by_a_later_gps_upload_keeps_what_the_phone_found()
    {
        var driver = await NewDriverAsync("phone-continued");
        var lines = Lines(Start);
        var phone = Phone(Start);
        var reference = await MeasureAsync(lines, phone);
        var gpsOnly = await MeasureAsync(lines, null);
        Assert.NotEqual(Bits(gpsOnly.Features.Span), Bits(reference.Features.Span)); // the phone changes the trip, so the test can fail

        // The recording first (a phone app uploads it on arrival), then the events in two uploads 400 s apart.
        var recorded = await Recordings.StoreAsync(driver, phone, TimeZoneInfo.Utc, null, Actor);
        var ingestor = new EventStreamIngestor(NewIngestor(database));
        await PostAsync(ingestor, driver, lines[..400]);
        var continued = await PostAsync(ingestor, driver, lines[400..]);

        Assert.Equal(5, recorded!.EvidenceRows); // one covered span, three manoeuvres, one handling span
        Assert.NotNull(continued.ContinuedTripId);
        var stored = await StoredTripAsync(driver);
        Assert.Equal(Bits(reference.Features.Span), stored.Bits);
        Assert.Equal(Counts(reference), stored.Counts);
        Assert.Equal(Expected(phone, reference), stored.Manoeuvres);
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM trip_manoeuvres WHERE trip_id = {continued.ContinuedTripId}"));
    }

    [Fact]
    public async Task A_trip_stored_with_its_phone_recording_and_continued_by_a_later_gps_upload_keeps_its_phone_features()
    {
        var driver = await NewDriverAsync("phone-ingest-continued");
        var start = Start.AddDays(6);
        var lines = Lines(start);
        var phone = Phone(start);
        var reference = await MeasureAsync(lines, phone);

        // As `telematics ingest --imu` stores the first part: its events, then its trips with the phone in one transaction.
        var firstPart = await ReadAsync(lines[..400]);
        await NewIngestor(database).IngestAsync(driver, firstPart, Actor);
        var pipeline = new DriverFeaturePipeline(TimeZoneInfo.Utc) { Imu = phone };
        var firstTrips = new List<TripFeatures>(pipeline.Push(firstPart));
        firstTrips.AddRange(pipeline.Complete());
        Assert.Equal(1, await new TripRepository(database.DataSource, TimeProvider.System).WriteClosedTripsWithImuAsync(driver, firstTrips, phone, Actor));

        // The rest arrives later through the stream ingest, which re-closes the trip from the stored events.
        var continued = await PostAsync(new EventStreamIngestor(NewIngestor(database)), driver, lines[400..]);

        Assert.NotNull(continued.ContinuedTripId);
        var stored = await StoredTripAsync(driver);
        Assert.Equal(Bits(reference.Features.Span), stored.Bits);
        Assert.Equal(Counts(reference), stored.Counts);
        Assert.Equal(Expected(phone, reference), stored.Manoeuvres);
        Assert.NotEqual(Bits((await MeasureAsync(lines, null)).Features.Span), stored.Bits);
    }

    [Fact]
    public async Task Re_measured_trips_announce_the_rows_they_replace_in_the_outbox()
    {
        var driver = await NewDriverAsync("phone-outbox");
        var start = Start.AddDays(7);
        await PostAsync(new EventStreamIngestor(NewIngestor(database)), driver, Lines(start));
        var old = (await StoredTripAsync(driver)).TripId;

        var stored = await new PhoneRecordingStore(database.DataSource, NewPartitionManager(database), TimeProvider.System) { WriteDomainEvents = true }
            .StoreAsync(driver, Phone(start), TimeZoneInfo.Utc, null, Actor);

        var replacing = Assert.Single(stored!.TripIds);
        Assert.Equal(1, await ScalarAsync(database.DataSource,
            $"SELECT count(*) FROM domain_event_outbox WHERE subject = '{driver}' AND (data->>'trip_id')::bigint = {replacing} AND (data->>'replaces_trip_id')::bigint = {old}"));
    }

    [Fact]
    public async Task A_recording_sent_after_its_trip_re_measures_it_once_and_a_resend_changes_nothing()
    {
        var driver = await NewDriverAsync("phone-after");
        var lines = Lines(Start.AddDays(1));
        var phone = Phone(Start.AddDays(1));
        var reference = await MeasureAsync(lines, phone);
        var ingestor = new EventStreamIngestor(NewIngestor(database));
        await PostAsync(ingestor, driver, lines);
        var before = await StoredTripAsync(driver);
        Assert.Equal(Bits((await MeasureAsync(lines, null)).Features.Span), before.Bits); // GPS-only as before without a phone
        Assert.Empty(before.Manoeuvres);

        var first = await Recordings.StoreAsync(driver, phone, TimeZoneInfo.Utc, null, Actor);
        var after = await StoredTripAsync(driver);
        var again = await Recordings.StoreAsync(driver, Phone(Start.AddDays(1)), TimeZoneInfo.Utc, null, Actor);

        Assert.Equal([before.TripId], first!.ReplacedTripIds);
        Assert.Equal([after.TripId], first.TripIds);
        Assert.Equal(Bits(reference.Features.Span), after.Bits);
        Assert.Equal(Counts(reference), after.Counts);
        Assert.Equal(Expected(phone, reference), after.Manoeuvres);
        Assert.True(again!.AlreadyStored);
        var unchanged = await StoredTripAsync(driver);
        Assert.Equal(after.TripId, unchanged.TripId);
        Assert.Equal(after.Bits, unchanged.Bits);
        Assert.Equal(after.Manoeuvres, unchanged.Manoeuvres);
        Assert.Equal(1, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM audit_log WHERE action = 'phone.recording' AND resource = 'driver/{driver}'"));
    }

    [Fact]
    public async Task A_recording_overlapping_another_is_refused_and_stores_nothing()
    {
        var driver = await NewDriverAsync("phone-overlap");
        await Recordings.StoreAsync(driver, Phone(Start.AddDays(2)), TimeZoneInfo.Utc, null, Actor);

        var other = Phone(Start.AddDays(2), brakingPeak: 5.0f);
        var e = await Assert.ThrowsAsync<PhoneEvidenceConflictException>(() => Recordings.StoreAsync(driver, other, TimeZoneInfo.Utc, null, Actor));

        Assert.Equal(5, e.Overlapping);
        Assert.Equal(5, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM phone_evidence WHERE driver_id = {driver}"));
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM phone_evidence WHERE driver_id = {driver} AND peak_mps2 = 5"));
    }

    [Fact]
    public async Task The_state_backfill_re_measures_a_phone_trip_with_its_evidence()
    {
        var driver = await NewDriverAsync("phone-backfill");
        var lines = Lines(Start.AddDays(3));
        var phone = Phone(Start.AddDays(3));
        await Recordings.StoreAsync(driver, phone, TimeZoneInfo.Utc, null, Actor);
        await PostAsync(new EventStreamIngestor(NewIngestor(database)), driver, lines);
        var stored = await StoredTripAsync(driver);
        await ExecuteAsync(database.DataSource, $"UPDATE trips SET state = NULL WHERE trip_id = {stored.TripId}");

        var report = await new TripStateBackfill(database.DataSource, null, TimeProvider.System).RunAsync(Actor);

        Assert.True(report.Rebuilt >= 1);
        Assert.Equal(Bits((await MeasureAsync(lines, phone)).Features.Span), (await StoredTripAsync(driver)).Bits);
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM audit_log WHERE action = 'trips.backfill' AND resource = 'driver/{driver}' AND (after->>'changed')::int > 0"));
    }

    [Fact]
    public async Task Erasing_the_driver_removes_the_phone_evidence_and_a_gps_only_driver_has_none()
    {
        var driver = await NewDriverAsync("phone-erase");
        var other = await NewDriverAsync("phone-kept");
        await Recordings.StoreAsync(driver, Phone(Start.AddDays(4)), TimeZoneInfo.Utc, null, Actor);
        await Recordings.StoreAsync(other, Phone(Start.AddDays(4)), TimeZoneInfo.Utc, null, Actor);

        await new DriverRepository(database.DataSource, TimeProvider.System).EraseAsync(driver, Actor);

        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM phone_evidence WHERE driver_id = {driver}"));
        Assert.Equal(5, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM phone_evidence WHERE driver_id = {other}"));
        Assert.Null(await Recordings.StoreAsync(driver, Phone(Start.AddDays(5)), TimeZoneInfo.Utc, null, Actor));
    }
}
