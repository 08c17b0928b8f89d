using System.Globalization;
using Telematics.Features.Cleaning;
using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Ndjson;
using Telematics.Features.Samples;
using Telematics.Features.Trips;
using Telematics.Features.Tests.Ingest;

namespace Telematics.Features.Tests.Trips;

/// <summary>Trip ids from reading through cleaning to trips: late records and dropped first records of a new id.</summary>
public sealed class TripIdReadAndCleanTests
{
    private static readonly SampleReaderOptions Skip = new() { BadRecords = BadRecordHandling.SkipAndReport };

    // One NDJSON record a second at 15 m/s due east from 52.5 N 13.4 E, second s of the drive.
    private static string Record(int s, int tripId, double accuracyM = 5)
    {
        var lon = 13.4 + (s * 15.0 / (111_320.0 * Math.Cos(52.5 * Math.PI / 180.0)));
        return string.Create(CultureInfo.InvariantCulture,
            $$"""{"timestamp":{{TestTracks.MondayMorningUtc + (s * 1000L)}},"lat":52.5,"lon":{{lon:R}},"speed_mps":15,"gps_accuracy_m":{{accuracyM}},"trip_id":{{tripId}}}""");
    }

    private static async Task<List<SegmentedTrip>> TripsAsync(IEnumerable<string> records)
    {
        var samples = await PipeInput.ReadAllAsync(NdjsonSampleReader.Create(PipeInput.Text(string.Join('\n', records)), Skip));
        var buffer = new SampleBuffer();
        foreach (var sample in samples)
        {
            buffer.Add(sample);
        }

        new SampleCleaner().Clean(buffer);
        return SegmentedTrips.Of(buffer);
    }

    [Fact]
    public async Task A_late_resent_batch_of_the_first_trip_does_not_cut_it()
    {
        // Trip 7 for 0-99 s, trip 8 for 200-299 s, then 7's 100-199 s resent late: cleaning sorts them back in.
        var records = Enumerable.Range(0, 100).Select(s => Record(s, 7))
            .Concat(Enumerable.Range(200, 100).Select(s => Record(s, 8)))
            .Concat(Enumerable.Range(100, 100).Select(s => Record(s, 7)));

        var trips = await TripsAsync(records);

        Assert.Equal(2, trips.Count);
        Assert.Equal(TestTracks.MondayMorningUtc + 200_000, trips[1].StartUnixMs);
    }

    [Fact]
    public async Task When_cleaning_drops_the_first_record_of_a_new_id_the_next_one_carries_the_cut()
    {
        // 1 and 5 share a tag, so only the reader's mark parts them; the mark's record is too inaccurate to keep.
        Assert.Equal(TripTag.FromId(1), TripTag.FromId(5));
        var records = Enumerable.Range(0, 120).Select(s => Record(s, 1))
            .Append(Record(120, 5, accuracyM: 120))
            .Concat(Enumerable.Range(121, 120).Select(s => Record(s, 5)));

        var trips = await TripsAsync(records);

        Assert.Equal(2, trips.Count);
        Assert.Equal(TestTracks.MondayMorningUtc + 121_000, trips[1].StartUnixMs);
    }
}
