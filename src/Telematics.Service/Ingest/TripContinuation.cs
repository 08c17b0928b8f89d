using Telematics.Features.Imu;
using Telematics.Features.Pipeline;
using Telematics.Features.Trips;
using Telematics.Service.Storage;

namespace Telematics.Service.Ingest;

/// <summary>
/// Decides, inside an upload (before it commits), whether an upload continues what the driver's earlier uploads
/// began, and when it does re-closes it from the stored raw events (<see cref="EventReplay"/>).
/// </summary>
/// <remarks>
/// <para>
/// An upload continues the latest trip when its first sample (time order) is at or after the trip's start and less
/// than <see cref="TripSegmentationOptions.MaxGapS"/> after its end: the gap that would not have ended the trip had
/// both parts arrived in one upload.
/// </para>
/// <para>
/// Otherwise it may continue a start too short to be a trip on its own (under <see cref="TripSegmentationOptions.MinDurationS"/>
/// or <see cref="TripSegmentationOptions.MinDistanceM"/>), which its upload stored as events only: a phone that uploads
/// every 30 s sends nothing but such parts. The stored samples after the latest trip that may be moving (speed at or
/// above <see cref="TripSegmentationOptions.StationarySpeedMps"/>, or unknown) are looked at, back to the last pause
/// between two of them long enough to end any trip (<see cref="TripSegmentationOptions.MaxGapS"/> +
/// <see cref="TripSegmentationOptions.MaxStationaryS"/>, erring long), and no further back than <see cref="TailLookback"/>.
/// If the latest of them is within that pause of the upload, the replay starts one gap before the first of them.
/// Otherwise, when the latest stored sample of any speed is closer to the upload than the gap, the replay starts one gap
/// before that sample: a trip the upload starts begins at the idle sample just before its first moving one.
/// </para>
/// <para>
/// The driver is locked (<see cref="IUploadSession.LockDriverAsync"/>) before anything is read, so two uploads of one
/// driver decide one after the other and never both reopen the same trip.
/// </para>
/// </remarks>
internal sealed class TripContinuation(TimeZoneInfo zone, DriverPipelineOptions? options, int chunkSize)
{
    /// <summary>
    /// How far before an upload stored samples that made no trip are looked at: one hour. A start that has not made a
    /// trip in an hour moved under 500 m in it, in bursts between stops; older parts of it are not re-read.
    /// </summary>
    public static readonly TimeSpan TailLookback = TimeSpan.FromHours(1);

    private readonly TripSegmentationOptions _segmentation = (options ?? DriverPipelineOptions.Default).Segmentation;

    private long GapMs => TripReplayWindow.GapMs(_segmentation);

    private long PauseMs => TripReplayWindow.PauseMs(_segmentation);

    /// <summary>What an upload starting at <paramref name="firstUnixMs"/> continues (see the remarks), else null.</summary>
    public async Task<ContinuationStart?> FindContinuedAsync(IUploadSession upload, long firstUnixMs, CancellationToken cancellationToken)
    {
        long? afterTripMs = null;
        if (await upload.ReadLatestTripAsync(cancellationToken).ConfigureAwait(false) is { } latest)
        {
            if (firstUnixMs < latest.StartUnixMs)
            {
                // Late data from before the latest trip: it is stored, but reopens nothing.
                return null;
            }

            if (firstUnixMs - latest.EndUnixMs < GapMs)
            {
                // The replay starts at the trip's idle lead-in, after the previous trip (see TripReplayWindow.LeadInStart).
                return new ContinuationStart(latest.TripId, TripReplayWindow.LeadInStart(latest.StartUnixMs, latest.PreviousEndUnixMs, GapMs));
            }

            afterTripMs = latest.EndUnixMs;
        }

        return await FindUntrippedStartAsync(upload, firstUnixMs, afterTripMs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replays the stored events from the continuation's start (the upload's own events already merged), with the driver's
    /// stored phone evidence from there on, and deletes the continued trip's old row.
    /// </summary>
    /// <param name="upload">The open upload.</param>
    /// <param name="start">What the upload continues.</param>
    /// <param name="imu">Receives the phone evidence the replay measured with (empty when there is none).</param>
    /// <param name="cancellationToken">Cancels the replay.</param>
    /// <returns>The re-closed trips in time order (none, and the old row kept, when its events are gone), and the samples cleaning dropped in the replay.</returns>
    public async Task<(List<TripFeatures> Trips, long Dropped)> ReopenAsync(IUploadSession upload, ContinuationStart start, ImuTripEvidence imu, CancellationToken cancellationToken)
    {
        await upload.ReadPhoneEvidenceAsync(start.ReplayFromUnixMs, long.MaxValue, imu, cancellationToken).ConfigureAwait(false);
        var replayed = await EventReplay.RunWithImuAsync(
            upload.ReadEventsAsync(start.ReplayFromUnixMs, chunkSize, cancellationToken), zone, options, imu, cancellationToken).ConfigureAwait(false);
        if (replayed.Trips.Count == 0 || start.TripId is not { } tripId)
        {
            // Nothing to replace: a start that still makes no trip, or a trip whose events are no longer stored (its month
            // archived and dropped), whose row is kept rather than the trip lost.
            return replayed;
        }

        await upload.DeleteTripAsync(tripId, cancellationToken).ConfigureAwait(false);
        return replayed;
    }

    /// <summary>
    /// For an upload that continues nothing: when the driver's stored phone evidence reaches into the upload's span
    /// [<paramref name="firstUnixMs"/>, <paramref name="lastUnixMs"/>] (a recording sent before its trip's events), the
    /// upload's trips measured again from the stored events with it, as one upload of both would have measured them.
    /// </summary>
    /// <returns>The trips that start within the upload's span, or null when no phone evidence reaches into it.</returns>
    public async Task<List<TripFeatures>?> RemeasureWithPhoneAsync(IUploadSession upload, long firstUnixMs, long lastUnixMs, ImuTripEvidence imu, CancellationToken cancellationToken)
    {
        await upload.ReadPhoneEvidenceAsync(firstUnixMs, lastUnixMs + 1, imu, cancellationToken).ConfigureAwait(false);
        if (imu.CoverageCount == 0 && imu.ManoeuvreCount == 0 && imu.HandlingCount == 0)
        {
            return null;
        }

        var (replayed, _) = await EventReplay.RunWithImuAsync(
            upload.ReadEventsAsync(firstUnixMs, chunkSize, cancellationToken), zone, options, imu, cancellationToken).ConfigureAwait(false);

        // Later trips already stored (late data sent after them) come out of the replay again; they keep their rows.
        var own = replayed.Count;
        while (own > 0 && replayed[own - 1].StartUnixMs > lastUnixMs)
        {
            own--;
        }

        replayed.RemoveRange(own, replayed.Count - own);
        return replayed;
    }

    // A start stored by earlier uploads that made no trip (see the remarks), after the latest trip's end if there is one.
    private async Task<ContinuationStart?> FindUntrippedStartAsync(IUploadSession upload, long firstUnixMs, long? afterTripMs, CancellationToken cancellationToken)
    {
        var lowerMs = Math.Max(afterTripMs ?? long.MinValue, firstUnixMs - (long)TailLookback.TotalMilliseconds);
        var tail = await upload.ReadUntrippedTailAsync(lowerMs, firstUnixMs, _segmentation.StationarySpeedMps, PauseMs, cancellationToken).ConfigureAwait(false);
        if (tail.LatestAnyUnixMs is not { } lastAny)
        {
            return null;
        }

        if (tail.LatestMovingUnixMs is { } lastMoving && firstUnixMs - lastMoving < PauseMs && tail.LatestAfterPauseUnixMs is { } firstMoving)
        {
            return new ContinuationStart(null, Math.Max(lowerMs + 1, firstMoving - GapMs));
        }

        // Whatever moved before has ended (had it been a trip, it would be stored). A stored idle sample closer than the
        // gap still belongs to what the upload starts: a trip begins at the idle sample just before its first moving one,
        // and motion is derived from the sample before; so the replay takes it in, with the usual lead-in.
        return firstUnixMs - lastAny < GapMs ? new ContinuationStart(null, Math.Max(lowerMs + 1, lastAny - GapMs)) : null;
    }
}

/// <summary>What an upload continues: the stored trip reopened (null for a start that made no trip yet), and where the replay starts, ms since the Unix epoch, UTC.</summary>
internal readonly record struct ContinuationStart(long? TripId, long ReplayFromUnixMs);
