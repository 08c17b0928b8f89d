using Telematics.Features.Trips;

namespace Telematics.Service.Ingest;

/// <summary>
/// Where a replay of stored events that re-measures trips starts and ends, so that it measures them exactly as the
/// upload that closed them did: what trip continuation and the trip state backfill share.
/// </summary>
public static class TripReplayWindow
{
    /// <summary>The gap that ends a trip, ms.</summary>
    /// <param name="segmentation">The trip segmentation options.</param>
    /// <returns><see cref="TripSegmentationOptions.MaxGapS"/> in ms.</returns>
    public static long GapMs(TripSegmentationOptions segmentation)
    {
        ArgumentNullException.ThrowIfNull(segmentation);
        return (long)(segmentation.MaxGapS * 1000.0);
    }

    /// <summary>Time between two possibly moving samples that ends any trip, whether as a gap, a stationary spell or both, ms.</summary>
    /// <param name="segmentation">The trip segmentation options.</param>
    /// <returns><see cref="TripSegmentationOptions.MaxGapS"/> + <see cref="TripSegmentationOptions.MaxStationaryS"/> in ms.</returns>
    public static long PauseMs(TripSegmentationOptions segmentation)
    {
        ArgumentNullException.ThrowIfNull(segmentation);
        return (long)((segmentation.MaxGapS + segmentation.MaxStationaryS) * 1000.0);
    }

    /// <summary>
    /// Where a replay that re-measures a trip starting at <paramref name="tripStartMs"/> begins: one gap before it (the
    /// idle lead-in sets the cleaner's, deriver's and segmenter's state at its first sample as in the upload that opened
    /// it), but after the previous trip's end when there is one (its samples cannot form a trip of their own).
    /// </summary>
    /// <param name="tripStartMs">The trip's start, ms since the Unix epoch.</param>
    /// <param name="previousTripEndMs">The end of the trip before it; null when there is none.</param>
    /// <param name="gapMs">The gap that ends a trip (<see cref="GapMs"/>).</param>
    /// <returns>The replay's inclusive start, ms since the Unix epoch.</returns>
    public static long LeadInStart(long tripStartMs, long? previousTripEndMs, long gapMs)
    {
        var from = tripStartMs - gapMs;
        if (previousTripEndMs is { } end)
        {
            from = Math.Max(from, end + 1);
        }

        return Math.Min(from, tripStartMs);
    }
}
