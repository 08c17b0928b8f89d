using FsCheck;
using FsCheck.Fluent;
using Telematics.Features.Samples;
using Telematics.Features.Trips;

namespace Telematics.Features.Tests.Trips;

/// <summary>What the segmenter tests share: trips of a whole stream, and the check that chunking does not change them.</summary>
internal static class SegmentedTrips
{
    public static List<SegmentedTrip> Of(SampleBuffer samples, TripSegmentationOptions? options = null)
    {
        var segmenter = new TripSegmenter(options);
        var trips = new List<SegmentedTrip>();
        segmenter.Push(samples, trips);
        segmenter.Complete(trips);
        return trips;
    }

    /// <summary>Holds when the stream pushed in chunks of <paramref name="sizes"/> gives the trips it gives whole.</summary>
    public static Property SameWholeAndChunked(SampleBuffer all, IReadOnlyList<int> sizes)
    {
        var whole = Of(all);
        var segmenter = new TripSegmenter();
        var chunked = new List<SegmentedTrip>();
        foreach (var chunk in TestTracks.Chunk(all, sizes))
        {
            segmenter.Push(chunk, chunked);
        }

        segmenter.Complete(chunked);
        var same = whole.Count == chunked.Count;
        for (var i = 0; same && i < whole.Count; i++)
        {
            same = whole[i].StartUnixMs == chunked[i].StartUnixMs && whole[i].EndUnixMs == chunked[i].EndUnixMs &&
                   whole[i].SampleCount == chunked[i].SampleCount && whole[i].DistanceM == chunked[i].DistanceM;
        }

        return same.Label($"{whole.Count} trips whole, {chunked.Count} chunked");
    }
}
