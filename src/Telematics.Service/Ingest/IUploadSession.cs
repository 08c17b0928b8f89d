using Telematics.Features.Imu;
using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Service.Storage;

namespace Telematics.Service.Ingest;

/// <summary>
/// One open upload in storage (a transaction): the primitive reads and writes the ingest use case
/// (<see cref="IngestSession"/>) combines. Disposing it uncommitted stores nothing. Not thread-safe: one call at a time.
/// </summary>
public interface IUploadSession : IAsyncDisposable
{
    /// <summary>The driver of the upload.</summary>
    long DriverId { get; }

    /// <summary>Stages a chunk of the driver's raw events (not yet merged, not visible).</summary>
    /// <param name="samples">The chunk as received; not modified, free for reuse once the call returns.</param>
    /// <param name="cancellationToken">Cancels the copy; the upload then stores nothing.</param>
    /// <returns>A task that completes when the chunk is staged.</returns>
    Task AppendAsync(SampleBuffer samples, CancellationToken cancellationToken = default);

    /// <summary>Locks the driver until commit, so that uploads of one driver decide continuation one after the other.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when the driver does not exist.</returns>
    Task<bool> LockDriverAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that this upload stores the batch <paramref name="batchId"/> (a streamed batch's id), so that a batch
    /// delivered again after its upload committed — a lost acknowledgement — is recognised and stores nothing twice.
    /// </summary>
    /// <param name="batchId">The batch's id, unique across drivers.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when a committed upload already recorded the batch; an upload recording it concurrently is waited for.</returns>
    /// <exception cref="NotSupportedException">The adapter keeps no record of batches.</exception>
    /// <exception cref="KeyNotFoundException">The driver does not exist (or was erased); the upload stores nothing.</exception>
    Task<bool> ClaimBatchAsync(Guid batchId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} keeps no record of stored batches; streamed ingest needs an adapter that does (Telematics.Storage.Postgres).");

    /// <summary>Merges the staged events into the driver's stored events; one already stored (same event id and time) is skipped.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Events newly stored.</returns>
    /// <exception cref="KeyNotFoundException">The driver was erased (an adapter that records erasures refuses it); the upload stores nothing.</exception>
    Task<long> MergeAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the driver's latest stored trip (by start) and the end of the trip before it.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The trip, or null when the driver has none.</returns>
    Task<StoredTripSpan?> ReadLatestTripAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads, among the driver's stored events in (<paramref name="afterUnixMs"/>, <paramref name="beforeUnixMs"/>), the
    /// latest possibly moving one (speed ≥ <paramref name="stationarySpeedMps"/> or unknown), the latest possibly moving
    /// one that came at least <paramref name="pauseMs"/> after the possibly moving one before it (or is the first), and the
    /// latest one of any speed.
    /// </summary>
    /// <param name="afterUnixMs">Exclusive lower bound, ms since the Unix epoch.</param>
    /// <param name="beforeUnixMs">Exclusive upper bound.</param>
    /// <param name="stationarySpeedMps">Speed below which a sample is stationary.</param>
    /// <param name="pauseMs">The pause between two possibly moving samples that ends any trip.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The three times (each null when there is none).</returns>
    Task<UntrippedTail> ReadUntrippedTailAsync(long afterUnixMs, long beforeUnixMs, float stationarySpeedMps, long pauseMs, CancellationToken cancellationToken = default);

    /// <summary>Reads the driver's stored events from <paramref name="fromUnixMs"/> on (the upload's merged ones included), in time and event id order.</summary>
    /// <param name="fromUnixMs">Inclusive start, ms since the Unix epoch.</param>
    /// <param name="chunkSize">Samples per chunk.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Chunks of one reused buffer: each is valid until the next is asked for.</returns>
    IAsyncEnumerable<SampleBuffer> ReadEventsAsync(long fromUnixMs, int chunkSize, CancellationToken cancellationToken = default);

    /// <summary>Deletes a stored trip of the driver (one that is being re-closed).</summary>
    /// <param name="tripId">The trip.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the row is deleted.</returns>
    Task DeleteTripAsync(long tripId, CancellationToken cancellationToken = default);

    /// <summary>Inserts checked trips of the driver; a trip already stored (same start) is skipped.</summary>
    /// <param name="trips">The trips, each with its vector and state.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many were new, and the first and last new trip id.</returns>
    Task<StoredTripRange> InsertTripsAsync(IReadOnlyList<TripFeatures> trips, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds to <paramref name="destination"/> the driver's stored phone evidence (covered spans, manoeuvres, handling spans)
    /// that reaches into [<paramref name="fromUnixMs"/>, <paramref name="toUnixMs"/>), in order of start, so that trips
    /// replayed from stored events are measured with it. The default adds nothing: an adapter that keeps no phone evidence
    /// re-measures trips from their GPS events alone.
    /// </summary>
    /// <param name="fromUnixMs">Inclusive start, ms since the Unix epoch.</param>
    /// <param name="toUnixMs">Exclusive end; <see cref="long.MaxValue"/> for no end.</param>
    /// <param name="destination">Evidence to add to; given empty.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A task that completes when the evidence is added.</returns>
    Task ReadPhoneEvidenceAsync(long fromUnixMs, long toUnixMs, ImuTripEvidence destination, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;

    /// <summary>
    /// Inserts trips as <see cref="InsertTripsAsync"/> does and, for each new trip, the phone manoeuvres and handling spans
    /// of <paramref name="imu"/> that start within it (the rule its features counted them by). The default stores the trips
    /// only, for an adapter that keeps no phone data.
    /// </summary>
    /// <param name="trips">The trips, measured with <paramref name="imu"/>.</param>
    /// <param name="imu">The phone evidence the trips were measured with.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many were new, and the first and last new trip id.</returns>
    Task<StoredTripRange> InsertTripsWithImuAsync(IReadOnlyList<TripFeatures> trips, ImuTripEvidence imu, CancellationToken cancellationToken = default) =>
        InsertTripsAsync(trips, cancellationToken);

    /// <summary>
    /// Appends the upload's one audit row, stamped with the store's clock and the upload's actor; a store may hold it until
    /// <see cref="CommitAsync"/> and write both together (it is committed with the upload or not at all either way).
    /// </summary>
    /// <param name="change">What the upload changed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the row is appended or held.</returns>
    Task AppendAuditAsync(AuditChange change, CancellationToken cancellationToken = default);

    /// <summary>Commits everything the upload wrote.</summary>
    /// <param name="cancellationToken">Cancels the commit; nothing is stored then.</param>
    /// <returns>A task that completes when committed.</returns>
    Task CommitAsync(CancellationToken cancellationToken = default);
}

/// <summary>A stored trip's id and span, and the end of the trip before it.</summary>
/// <param name="TripId">The trip.</param>
/// <param name="StartUnixMs">Its start, ms since the Unix epoch.</param>
/// <param name="EndUnixMs">Its end.</param>
/// <param name="PreviousEndUnixMs">The end of the driver's trip before it; null when it is the first.</param>
public readonly record struct StoredTripSpan(long TripId, long StartUnixMs, long EndUnixMs, long? PreviousEndUnixMs);

/// <summary>What <see cref="IUploadSession.ReadUntrippedTailAsync"/> found, ms since the Unix epoch.</summary>
/// <param name="LatestMovingUnixMs">The latest possibly moving event.</param>
/// <param name="LatestAfterPauseUnixMs">The latest possibly moving event after a pause (or the first).</param>
/// <param name="LatestAnyUnixMs">The latest event of any speed.</param>
public readonly record struct UntrippedTail(long? LatestMovingUnixMs, long? LatestAfterPauseUnixMs, long? LatestAnyUnixMs);

/// <summary>Trips an insert stored.</summary>
/// <param name="Stored">How many were new.</param>
/// <param name="FirstTripId">The first new trip's id; 0 when none.</param>
/// <param name="LastTripId">The last new trip's id; 0 when none.</param>
public readonly record struct StoredTripRange(int Stored, long FirstTripId, long LastTripId);
