using System.Globalization;

using Telematics.Features.Imu;
using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Features.Schema;
using Telematics.Service.Storage;

namespace Telematics.Service.Ingest;

/// <summary>
/// One driver's events arriving in many chunks (a streamed upload), stored as one all-or-nothing batch with the trips
/// they closed: nothing is visible until <see cref="CommitAsync"/>, and disposing an uncommitted session stores nothing.
/// </summary>
/// <remarks>
/// <para>
/// Each <see cref="AppendAsync"/> stages its chunk in the upload (<see cref="IUploadSession.AppendAsync"/>), so memory
/// stays one chunk whatever the upload's size. <see cref="CommitAsync"/> merges the staged events (events already stored —
/// same driver, event id and timestamp — count as duplicates), inserts the trips passed to <see cref="AddTrip"/> (a trip
/// already stored is skipped), appends the batch's one audit row (<c>events.ingest</c>, with the new trips' id range; none
/// when the upload changed nothing) and commits.
/// </para>
/// <para>Not thread-safe: one call at a time.</para>
/// </remarks>
public sealed class IngestSession : IAsyncDisposable
{
    private readonly IUploadSession _upload;
    private readonly List<TripFeatures> _trips = [];
    private long _received;
    private long _firstMs = long.MaxValue;
    private long _lastMs = long.MinValue;
    private bool _finished;
    private Guid? _batchId;

    private IngestSession(IUploadSession upload) => _upload = upload;

    /// <summary>The driver every event and trip of the session belongs to.</summary>
    public long DriverId => _upload.DriverId;

    /// <summary>Events appended so far.</summary>
    public long Received => _received;

    /// <summary>Trips added so far (stored at commit unless already stored).</summary>
    public int TripCount => _trips.Count;

    /// <summary>Opens a session on <paramref name="store"/>.</summary>
    /// <param name="store">Where the upload is stored.</param>
    /// <param name="driverId">The driver.</param>
    /// <param name="actor">Who uploads, recorded on the audit row.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The open session.</returns>
    /// <exception cref="ArgumentException">The actor cannot be recorded.</exception>
    public static async Task<IngestSession> BeginAsync(IUploadStore store, long driverId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        actor.Validate();
        return new IngestSession(await store.BeginUploadAsync(driverId, actor, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Stages the next chunk of the driver's events; nothing is visible to others until commit.</summary>
    /// <param name="samples">The chunk; not modified, and free for reuse once the call returns.</param>
    /// <param name="cancellationToken">Cancels the copy; the session is then unusable and stores nothing.</param>
    /// <returns>A task that completes when the chunk is staged.</returns>
    /// <exception cref="InvalidOperationException">The session was committed or disposed.</exception>
    public async Task AppendAsync(SampleBuffer samples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ThrowIfFinished();
        if (samples.Count == 0)
        {
            return;
        }

        foreach (var ms in samples.TimestampUnixMs)
        {
            _firstMs = Math.Min(_firstMs, ms);
            _lastMs = Math.Max(_lastMs, ms);
        }

        await _upload.AppendAsync(samples, cancellationToken).ConfigureAwait(false);
        _received += samples.Count;
    }

    /// <summary>Makes the session store the batch <paramref name="batchId"/> at most once (see <see cref="IUploadSession.ClaimBatchAsync"/>).</summary>
    internal void KeyBatch(Guid batchId)
    {
        ThrowIfFinished();
        _batchId = batchId;
    }

    /// <summary>Adds a trip the feature pipeline closed; it is stored with its feature vector at commit.</summary>
    /// <param name="trip">The trip, its <see cref="TelematicsFeatures.Schema"/> vector (29 values) and its state, as the pipeline measured it.</param>
    /// <exception cref="ArgumentException">The trip has no state, or a vector that is not its state's (see <see cref="TripCheck.Ensure"/>).</exception>
    /// <exception cref="InvalidOperationException">The session was committed or disposed.</exception>
    public void AddTrip(TripFeatures trip)
    {
        ArgumentNullException.ThrowIfNull(trip);
        TripCheck.Ensure(trip, nameof(trip));
        AddMeasuredTrip(trip);
    }

    /// <summary>
    /// Adds a trip the caller's own pipeline just measured (its vector written from the same totals as its state), without
    /// <see cref="AddTrip"/>'s check: re-reading every state of an upload's trips would only confirm the pipeline.
    /// </summary>
    internal void AddMeasuredTrip(TripFeatures trip)
    {
        ThrowIfFinished();
        _trips.Add(trip);
    }

    /// <summary>Stores every staged event and added trip, with the batch's audit row, all or nothing.</summary>
    /// <param name="cancellationToken">Cancels the commit; nothing is stored then.</param>
    /// <returns>Events received and newly stored, and trips newly stored.</returns>
    /// <exception cref="InvalidOperationException">The session was already committed or disposed.</exception>
    /// <exception cref="KeyNotFoundException">The driver was erased (before or while the upload ran); nothing is stored.</exception>
    public async Task<SessionIngestResult> CommitAsync(CancellationToken cancellationToken = default) =>
        (await CommitStreamAsync(null, cancellationToken).ConfigureAwait(false)).Result;

    /// <summary>
    /// Commits like <see cref="CommitAsync"/>; with <paramref name="continuation"/>, an upload that continues the driver's
    /// latest stored trip re-closes it from the stored events in place of the trips added.
    /// </summary>
    internal async Task<(SessionIngestResult Result, double DistanceKm)> CommitStreamAsync(TripContinuation? continuation, CancellationToken cancellationToken)
    {
        ThrowIfFinished();
        try
        {
            return await BeginCommitAsync(continuation, cancellationToken).ConfigureAwait(false)
                ? await FinishCommitAsync(continuation, cancellationToken).ConfigureAwait(false)
                : AlreadyStoredResult;
        }
        finally
        {
            await _upload.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The storage upload the session writes to.</summary>
    internal IUploadSession Upload => _upload;

    /// <summary>A session over an upload a group opened (<see cref="IUploadGroup.Join"/>); the group releases it.</summary>
    internal static IngestSession Over(IUploadSession upload) => new(upload);

    /// <summary>What a batch an earlier upload committed reports: received, nothing stored.</summary>
    internal (SessionIngestResult Result, double DistanceKm) AlreadyStoredResult => (new SessionIngestResult(_received, 0, 0, 0) { AlreadyStored = true }, 0);

    /// <summary>
    /// The commit's first step, which a group takes for all its members before it writes their events at once: claims the
    /// batch and locks the driver. False when an earlier upload stored the batch (nothing more to do).
    /// </summary>
    internal async Task<bool> BeginCommitAsync(TripContinuation? continuation, CancellationToken cancellationToken)
    {
        ThrowIfFinished();
        _finished = true;

        // A batch an earlier upload committed (delivered again because its acknowledgement was lost) must not store its
        // trips a second time: replayed alone it may cut a continued trip differently. Rolled back, nothing written.
        if (_batchId is { } batchId && !await _upload.ClaimBatchAsync(batchId, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        // Before any audit write: uploads of one driver decide one after the other. A driver erased since the upload began
        // (or never registered) has no row to lock: raw events have no foreign key, so without this an upload that closes
        // no trip would store them for nobody.
        if (continuation is not null && _received > 0 && !await _upload.LockDriverAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new KeyNotFoundException(string.Create(
                CultureInfo.InvariantCulture, $"No driver {_upload.DriverId}: it does not exist or was erased while its upload was read; nothing is stored."));
        }

        return true;
    }

    /// <summary>The rest of the commit after <see cref="BeginCommitAsync"/>: merge, continuation, trips, audit row, commit.</summary>
    internal async Task<(SessionIngestResult Result, double DistanceKm)> FinishCommitAsync(TripContinuation? continuation, CancellationToken cancellationToken)
    {
        var stored = _received > 0 ? await _upload.MergeAsync(cancellationToken).ConfigureAwait(false) : 0;
        long? continued = null;
        ImuTripEvidence? imu = null;
        if (continuation is not null && _received > 0
            && await continuation.FindContinuedAsync(_upload, _firstMs, cancellationToken).ConfigureAwait(false) is { } open)
        {
            _trips.Clear();
            if (stored > 0)
            {
                // The upload's events are merged: the replay sees the trip's stored part and the new one, in time order,
                // with the phone evidence stored for them, so the re-closed trip keeps what the phone found.
                imu = new ImuTripEvidence();
                var (replayed, _) = await continuation.ReopenAsync(_upload, open, imu, cancellationToken).ConfigureAwait(false);
                _trips.AddRange(replayed);
                continued = replayed.Count > 0 ? open.TripId : null;
            }

            // Nothing new (a re-sent upload): the stored trip already holds these events, so nothing changes.
        }
        else if (continuation is not null && stored > 0 && _trips.Count > 0)
        {
            // A phone recording stored before these events: the trips are measured with it, as the recording's own
            // upload measures trips already stored.
            var phone = new ImuTripEvidence();
            if (await continuation.RemeasureWithPhoneAsync(_upload, _firstMs, _lastMs, phone, cancellationToken).ConfigureAwait(false) is { } remeasured)
            {
                _trips.Clear();
                _trips.AddRange(remeasured);
                imu = phone;
            }
        }

        double km = 0;
        foreach (var trip in _trips)
        {
            km += trip.DistanceKm;
        }

        // The upload's trips go in with as few round trips as possible; its one audit row names them.
        var trips = imu is { } evidence && (evidence.ManoeuvreCount > 0 || evidence.HandlingCount > 0)
            ? await _upload.InsertTripsWithImuAsync(_trips, evidence, cancellationToken).ConfigureAwait(false)
            : await _upload.InsertTripsAsync(_trips, cancellationToken).ConfigureAwait(false);

        // A re-sent upload that changes nothing leaves no audit row, as a re-sent batch does not.
        if (stored > 0 || trips.Stored > 0 || continued is not null)
        {
            var after = string.Create(
                CultureInfo.InvariantCulture,
                $"{{\"received\":{_received},\"stored\":{stored},\"from_unix_ms\":{_firstMs},\"to_unix_ms\":{_lastMs},\"trips\":{trips.Stored}{TripIds(trips)}{Continued(continued)}{Batch(_batchId)}}}");
            await _upload.AppendAuditAsync(
                new AuditChange("events.ingest", string.Create(CultureInfo.InvariantCulture, $"driver/{DriverId}"), after), cancellationToken).ConfigureAwait(false);
        }

        await _upload.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (new SessionIngestResult(_received, stored, _trips.Count, trips.Stored) { ContinuedTripId = continued }, km);
    }

    /// <summary>Abandons an uncommitted session (nothing of it is stored) and releases the upload.</summary>
    /// <returns>A task that completes when the upload is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            await _upload.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string TripIds(StoredTripRange trips) =>
        trips.FirstTripId == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $",\"first_trip_id\":{trips.FirstTripId},\"last_trip_id\":{trips.LastTripId}");

    private static string Batch(Guid? batchId) =>
        batchId is { } id ? string.Create(CultureInfo.InvariantCulture, $",\"batch_id\":\"{id:D}\"") : string.Empty;

    private static string Continued(long? tripId) =>
        tripId is { } id ? string.Create(CultureInfo.InvariantCulture, $",\"continued_trip_id\":{id}") : string.Empty;

    private void ThrowIfFinished()
    {
        if (_finished)
        {
            throw new InvalidOperationException("The ingest session was already committed or disposed.");
        }
    }
}
