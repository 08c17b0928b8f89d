using System.Runtime.CompilerServices;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Features.Schema;

namespace Telematics.Features.Tests.Pipeline;

public sealed class DriverFeaturePipelineTests
{
    // Two drives of 10 minutes with a 20-minute stop between them (still sending fixes), then a 2-hour break.
    private static SampleBuffer Day(int seed)
    {
        var first = TestTracks.RandomTrip(seed, 600, withEvents: true);
        var t = first.TimestampUnixMs[first.Count - 1] + 1000;
        var parked = TestTracks.Straight(t, 1200, 0f, lat: first.LatitudeDeg[first.Count - 1], lon: first.LongitudeDeg[first.Count - 1]);
        var second = TestTracks.RandomTrip(seed + 1, 600, t + 1_200_000, first.LatitudeDeg[first.Count - 1], first.LongitudeDeg[first.Count - 1]);
        for (var i = 0; i < second.Count; i++)
        {
            second.SpeedMps[i] = Math.Max(second.SpeedMps[i], 2f);
        }

        var last = second.TimestampUnixMs[second.Count - 1];
        var third = TestTracks.Straight(last + 7_200_000, 400, 20f, lat: second.LatitudeDeg[second.Count - 1], lon: second.LongitudeDeg[second.Count - 1]);
        return TestTracks.Concat(first, parked, second, third);
    }

    private static (List<TripFeatures> Trips, DriverFeaturePipeline Pipeline) Run(IEnumerable<SampleBuffer> chunks)
    {
        var pipeline = new DriverFeaturePipeline(TestTracks.Berlin);
        var trips = new List<TripFeatures>();
        foreach (var chunk in chunks)
        {
            trips.AddRange(pipeline.Push(chunk));
        }

        trips.AddRange(pipeline.Complete());
        return (trips, pipeline);
    }

    [Fact]
    public void A_day_of_driving_gives_three_trips_and_a_driver_aggregate_over_them()
    {
        var (trips, pipeline) = Run([Day(seed: 4)]);

        Assert.True(trips.Count >= 3, $"{trips.Count} trips");
        var last = trips[^1];
        Assert.Equal(400, last.SampleCount);
        Assert.Equal(399 * 20 / 1000.0, last.DistanceKm, 0.01);
        Assert.Equal(last.DistanceKm, last[TelematicsFeatures.DistanceKm], 0.01);
        Assert.Equal(trips.Count, pipeline.Aggregate.TripCount);
        var totalKm = 0.0;
        foreach (var trip in trips)
        {
            totalKm += trip.DistanceKm;
            Assert.True(trip.EndUnixMs > trip.StartUnixMs);
            Assert.Equal(TelematicsFeatures.Schema.Count, trip.Features.Length);
        }

        Assert.Equal(totalKm, pipeline.Aggregate.DistanceKm, 0.01 * totalKm);
    }

    // The day with the source's trip ids: a new id every few minutes, mid-drive and mid-stop, some samples without one.
    private static SampleBuffer WithTripIds(SampleBuffer day, int seed)
    {
        var random = new Random(seed);
        var id = 0;
        for (var i = 0; i < day.Count; i++)
        {
            id += random.Next(200) == 0 ? 1 : 0;
            day.Flags[i] |= random.Next(50) == 0 ? SampleFlags.None : TripTag.FromId(id);
        }

        return day;
    }

    [Property(MaxTest = 20)]
    public Property Trips_and_aggregate_do_not_depend_on_how_the_stream_is_chunked(PositiveInt seed, int[] sizes) =>
        SameHoweverChunked(() => Day(seed.Get), sizes);

    [Property(MaxTest = 20)]
    public Property Trips_cut_by_the_source_trip_ids_do_not_depend_on_how_the_stream_is_chunked(PositiveInt seed, int[] sizes) =>
        SameHoweverChunked(() => WithTripIds(Day(seed.Get), seed.Get), sizes);

    private static Property SameHoweverChunked(Func<SampleBuffer> stream, int[] sizes)
    {
        var (whole, wholePipeline) = Run([stream()]);
        var (chunked, chunkedPipeline) = Run(TestTracks.Chunk(stream(), sizes));

        var same = whole.Count == chunked.Count;
        for (var i = 0; same && i < whole.Count; i++)
        {
            same = whole[i].StartUnixMs == chunked[i].StartUnixMs && whole[i].SampleCount == chunked[i].SampleCount &&
                   whole[i].Features.Span.SequenceEqual(chunked[i].Features.Span);
        }

        var a = new float[TelematicsFeatures.Schema.Count];
        var b = new float[TelematicsFeatures.Schema.Count];
        wholePipeline.Aggregate.WriteFeatures(a);
        chunkedPipeline.Aggregate.WriteFeatures(b);
        return (same && a.AsSpan().SequenceEqual(b)).ToProperty();
    }

    [Fact]
    public void Records_dropped_inside_a_trip_count_in_its_dropped_share()
    {
        var drive = TestTracks.Straight(TestTracks.MondayMorningUtc, 900, 15f);
        var withDuplicates = new SampleBuffer();
        for (var i = 0; i < drive.Count; i++)
        {
            withDuplicates.Add(drive[i]);
            if (i % 9 == 5)
            {
                withDuplicates.Add(drive[i] with { LatitudeDeg = drive[i].LatitudeDeg + 0.0001 });
            }
        }

        var (trips, pipeline) = Run([withDuplicates]);

        var trip = Assert.Single(trips);
        Assert.Equal(100, trip.DroppedRecordCount);
        Assert.Equal(100.0 / 1000.0, trip[TelematicsFeatures.DroppedRecordShare], 1e-6);
        Assert.Equal(100, pipeline.Cleaning.DuplicateCount);
    }

    [Fact]
    public void Missing_speed_is_derived_so_a_positions_only_stream_still_makes_trips()
    {
        var drive = TestTracks.Straight(TestTracks.MondayMorningUtc, 600, 15f);
        var positionsOnly = new SampleBuffer();
        for (var i = 0; i < drive.Count; i++)
        {
            positionsOnly.Add(new TelematicsSample(drive.TimestampUnixMs[i], drive.LatitudeDeg[i], drive.LongitudeDeg[i]));
        }

        var (trips, _) = Run([positionsOnly]);

        var trip = Assert.Single(trips);
        Assert.Equal(54.0, trip[TelematicsFeatures.MeanSpeedKmh], 0.1);
    }

    [Fact]
    public void A_bad_first_fix_is_dropped_as_one_jump_and_the_hour_of_driving_after_it_is_a_trip()
    {
        // A logger's (0, 0) placeholder, then an hour of driving in Berlin at 1 Hz: every real fix is ~6,000 km from it.
        var placeholder = new SampleBuffer();
        placeholder.Add(new TelematicsSample(TestTracks.MondayMorningUtc, 0.0, 0.0) { GpsAccuracyM = 5f });
        var drive = TestTracks.Straight(TestTracks.MondayMorningUtc + 1000, 3600, 20f);
        var stream = TestTracks.Concat(placeholder, drive);

        var (trips, pipeline) = Run([TestTracks.Slice(stream, 0, stream.Count)]);
        var (chunkedTrips, chunked) = Run(TestTracks.Chunk(stream, [1, 1, 1, 500]));

        Assert.Equal(1, pipeline.Cleaning.PositionJumpCount);
        Assert.Equal(3600, pipeline.Cleaning.KeptCount);
        var trip = Assert.Single(trips);
        Assert.Equal(72.0, trip.DistanceKm, 0.1);
        Assert.Equal(pipeline.Cleaning, chunked.Cleaning);
        Assert.Equal(trip.Features.ToArray(), Assert.Single(chunkedTrips).Features.ToArray());
    }

    [Fact]
    public void Two_agreeing_placeholders_before_the_driving_add_no_distance_and_no_speed()
    {
        // Two (0, 0) rows agree with each other, so they are a track until the real fixes outvote them one second
        // later; the step between the tracks is no travel, and the positions-only drive after it is one 72 km trip.
        var stream = new SampleBuffer();
        stream.Add(new TelematicsSample(TestTracks.MondayMorningUtc, 0.0, 0.0));
        stream.Add(new TelematicsSample(TestTracks.MondayMorningUtc + 1000, 0.0, 0.0));
        var drive = TestTracks.Straight(TestTracks.MondayMorningUtc + 2000, 3600, 20f);
        for (var i = 0; i < drive.Count; i++)
        {
            stream.Add(new TelematicsSample(drive.TimestampUnixMs[i], drive.LatitudeDeg[i], drive.LongitudeDeg[i]));
        }

        var (trips, _) = Run(TestTracks.Chunk(stream, [2, 1, 700]));

        var trip = Assert.Single(trips);
        Assert.Equal(72.0, trip.DistanceKm, 0.1);
        Assert.Equal(72.0, trip[TelematicsFeatures.MeanSpeedKmh], 0.1);
    }

    [Fact]
    public void After_a_flight_the_driving_at_the_destination_is_kept_as_a_new_track()
    {
        // Ten minutes in Berlin, then two hours later (a flight: 1,870 km, 260 m/s) ten minutes in Madrid.
        var berlin = TestTracks.Straight(TestTracks.MondayMorningUtc, 600, 20f);
        var madrid = TestTracks.Straight(TestTracks.MondayMorningUtc + 600_000 + 7_200_000, 600, 20f, lat: 40.42, lon: -3.70);

        var (trips, pipeline) = Run(TestTracks.Chunk(TestTracks.Concat(berlin, madrid), [250]));

        Assert.Equal(0, pipeline.Cleaning.DroppedCount);
        Assert.Equal(2, trips.Count);
        Assert.Equal(12.0, trips[1].DistanceKm, 0.1);
    }

    [Fact]
    public void A_sparse_tracker_without_speed_still_makes_a_trip()
    {
        // A fleet tracker's report: a fix every 15 s at 20 m/s, positions only.
        var drive = TestTracks.Straight(TestTracks.MondayMorningUtc, 40, 20f, stepMs: 15_000);
        var positionsOnly = new SampleBuffer();
        for (var i = 0; i < drive.Count; i++)
        {
            positionsOnly.Add(new TelematicsSample(drive.TimestampUnixMs[i], drive.LatitudeDeg[i], drive.LongitudeDeg[i]));
        }

        var (trips, pipeline) = Run([positionsOnly]);

        var trip = Assert.Single(trips);
        Assert.Equal(11.7, trip.DistanceKm, 0.1);
        Assert.Equal(585_000, trip.EndUnixMs - trip.StartUnixMs);
        AssertOnlyGapsMeasured(trip.Features.Span);
        var driver = new float[TelematicsFeatures.Schema.Count];
        pipeline.Aggregate.WriteFeatures(driver);
        AssertOnlyGapsMeasured(driver);
    }

    [Fact]
    public async Task A_sparse_tracker_read_from_a_csv_of_positions_has_its_speed_and_phone_features_missing()
    {
        // The same fixes in a file with only timestamp, lat and lon: phone use is not recorded either (PhoneUnknown).
        var drive = TestTracks.Straight(TestTracks.MondayMorningUtc, 40, 20f, stepMs: 15_000);
        var csv = new System.Text.StringBuilder("timestamp,lat,lon\n");
        for (var i = 0; i < drive.Count; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{drive.TimestampUnixMs[i]},{drive.LatitudeDeg[i]:R},{drive.LongitudeDeg[i]:R}\n");
        }

        await using var reader = Telematics.Features.Ingest.Csv.CsvSampleReader.Create(Ingest.PipeInput.Text(csv.ToString()));
        var samples = new SampleBuffer();
        await reader.ReadToEndAsync(samples);
        Assert.All(Enumerable.Range(0, samples.Count), i => Assert.Equal(SampleFlags.PhoneUnknown, samples.Flags[i]));

        var (trips, pipeline) = Run([samples]);

        var trip = Assert.Single(trips);
        Assert.Equal(11.7, trip.DistanceKm, 0.1);
        AssertOnlyGapsMeasured(trip.Features.Span);
        var driver = new float[TelematicsFeatures.Schema.Count];
        pipeline.Aggregate.WriteFeatures(driver);
        AssertOnlyGapsMeasured(driver);
    }

    /// <summary>
    /// Every interval of a fix every 15 s is a GPS gap (over 5 s): speed, behaviour and phone use were never measured,
    /// which is missing (NaN), not a driver who never speeds, brakes or touches the phone (0).
    /// </summary>
    private static void AssertOnlyGapsMeasured(ReadOnlySpan<float> features)
    {
        Assert.Equal(1f, features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.GpsGapShare)]);
        Assert.Equal(11.7, features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.DistanceKm)], 0.1);
        foreach (var name in new[]
        {
            TelematicsFeatures.MeanSpeedKmh, TelematicsFeatures.P95SpeedKmh, TelematicsFeatures.SpeedingShare, TelematicsFeatures.SevereSpeedingShare,
            TelematicsFeatures.VeryHighSpeedShare, TelematicsFeatures.HarshBrakingPer100Km, TelematicsFeatures.RapidAccelerationPer100Km,
            TelematicsFeatures.HarshCorneringPer100Km, TelematicsFeatures.MeanAbsJerkMps3, TelematicsFeatures.P95AbsJerkMps3,
            TelematicsFeatures.P95LateralG, TelematicsFeatures.PhoneMinutesPerHour, TelematicsFeatures.PhoneMovingShare,
        })
        {
            Assert.True(float.IsNaN(features[TelematicsFeatures.Schema.IndexOf(name)]), $"{name} is {features[TelematicsFeatures.Schema.IndexOf(name)]}, not missing");
        }
    }

    [Fact]
    public async Task RunAsync_stops_when_cancelled()
    {
        using var cancellation = new CancellationTokenSource();

        async IAsyncEnumerable<SampleBuffer> Chunks([EnumeratorCancellation] CancellationToken token = default)
        {
            yield return TestTracks.Straight(TestTracks.MondayMorningUtc, 100, 15f);
            await cancellation.CancelAsync();
            await Task.Yield();
            yield return TestTracks.Straight(TestTracks.MondayMorningUtc + 100_000, 100, 15f);
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DriverFeaturePipeline.RunAsync(Chunks(), TestTracks.Berlin, cancellationToken: cancellation.Token));
    }

    [Fact]
    public async Task RunAsync_returns_trips_aggregate_and_cleaning_totals()
    {
        static async IAsyncEnumerable<SampleBuffer> Chunks()
        {
            foreach (var chunk in TestTracks.Chunk(Day(seed: 9), [250]))
            {
                await Task.Yield();
                yield return chunk;
            }
        }

        var result = await DriverFeaturePipeline.RunAsync(Chunks(), TestTracks.Berlin);

        Assert.Equal(result.Trips.Count, result.Aggregate.TripCount);
        Assert.Equal(2800, result.Cleaning.InputCount);
    }
}
