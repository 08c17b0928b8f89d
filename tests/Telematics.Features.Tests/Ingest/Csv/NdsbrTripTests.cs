using Telematics.Features.Cleaning;
using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;
using Telematics.Features.Trips;

namespace Telematics.Features.Tests.Ingest.Csv;

/// <summary>The recorded NDS-BR files, when present, cut into trips with the mapping's trip_id: one trip per TRIP value.</summary>
public sealed class NdsbrTripTests
{
    private static async Task<List<SegmentedTrip>> TripsAsync(string file)
    {
        var mapping = NdsbrShapedRows.Ndsbr();
        await using var reader = CsvSampleReader.OpenFile(SharedData.Find("ndsbr/" + file)!, mapping, new SampleReaderOptions { BadRecords = BadRecordHandling.SkipAndReport });
        var samples = new SampleBuffer();
        await reader.ReadToEndAsync(samples);
        new SampleCleaner().Clean(samples);
        var segmenter = new TripSegmenter();
        var trips = new List<SegmentedTrip>();
        segmenter.Push(samples, trips);
        segmenter.Complete(trips);
        return trips;
    }

    private static void AssertTrips(List<SegmentedTrip> trips, params long[] tripIds)
    {
        Assert.Equal(tripIds.Length, trips.Count);
        for (var i = 0; i < trips.Count; i++)
        {
            // Every sample of trip i is of the file's i-th TRIP.
            Assert.All(trips[i].Samples.Flags.ToArray(), f => Assert.Equal(TripTag.FromId(tripIds[i]), f & (SampleFlags.TripIdKnown | SampleFlags.TripTagMask)));
        }
    }

    [SharedDataFact("ndsbr/driver_A.csv")]
    public async Task Driver_A_gives_one_trip_per_TRIP_value() => AssertTrips(await TripsAsync("driver_A.csv"), 5, 12, 18);

    [SharedDataFact("ndsbr/driver_B.csv")]
    public async Task Driver_B_gives_one_trip_per_TRIP_value() => AssertTrips(await TripsAsync("driver_B.csv"), 8, 13, 18);
}
