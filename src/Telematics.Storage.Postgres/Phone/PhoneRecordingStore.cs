using System.Globalization;
using System.Text;

using Npgsql;

using Telematics.Features.Imu;
using Telematics.Features.Pipeline;
using Telematics.Service.Ingest;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Partitions;

namespace Telematics.Storage.Postgres.Phone;

/// <summary>
/// Stores a driver's analysed phone recording (<see cref="ImuTripEvidence"/>) and re-measures the stored trips it covers,
/// in one transaction with one <c>phone.recording</c> audit row: the use case behind a phone app's upload of its sensor logs.
/// </summary>
/// <remarks>
/// <para>
/// The evidence goes into <c>phone_evidence</c> (migration 0023), per driver and apart from the trips. A recording sent
/// again stores nothing and changes nothing; one that overlaps another recording's stored evidence is refused
/// (<see cref="PhoneEvidenceConflictException"/>).
/// </para>
/// <para>
/// Every stored trip of the driver that overlaps the recording is replayed from its stored events, as the trip state
/// backfill replays them (from one gap before the first to one pause after the last), with the driver's stored phone
/// evidence; each trip the replay finds again (same start) is replaced by the re-measured one, its manoeuvres stored with
/// it (<c>trip_manoeuvres</c>) and, when <see cref="WriteDomainEvents"/> is set, a <c>TripCompleted</c> naming the row it
/// replaces. A trip whose events are gone is kept and counted in <see cref="PhoneRecordingResult.Unmeasured"/>. Scores are
/// not recalculated here, as after an event upload: the next recalculation reads the re-measured trips. The driver's row is
/// locked first, as an upload locks it, so an upload continuing the same trip waits. Thread-safe.
/// </para>
/// </remarks>
public sealed class PhoneRecordingStore
{
    private const int ChunkSize = 8192;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PartitionManager _partitions;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the store.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    /// <param name="partitions">The events' partitions (the upload session's dependency; nothing is created here).</param>
    /// <param name="timeProvider">Clock for the audit row and domain events.</param>
    public PhoneRecordingStore(NpgsqlDataSource dataSource, PartitionManager partitions, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(partitions);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataSource = dataSource;
        _partitions = partitions;
        _timeProvider = timeProvider;
    }

    /// <summary>Whether a re-measured trip leaves a <c>TripCompleted</c> in <c>domain_event_outbox</c> (as an upload's trips do). Default false.</summary>
    public bool WriteDomainEvents { get; init; }

    /// <summary>Stores the recording's evidence and re-measures the driver's stored trips it overlaps, all or nothing.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="evidence">The analysed recording on the Unix clock (for example from <see cref="PhoneTripAnalyzer"/> and <see cref="ImuTripEvidence.Add"/>).</param>
    /// <param name="zone">The driver's time zone, for the re-measured trips' local-time features.</param>
    /// <param name="options">The pipeline options trips are measured with; null for the defaults.</param>
    /// <param name="actor">Who uploads, for the audit row.</param>
    /// <param name="cancellationToken">Cancels the call; nothing is stored then.</param>
    /// <returns>What was stored; null when the driver does not exist.</returns>
    /// <exception cref="PhoneEvidenceConflictException">Another recording's evidence is stored within this one's span; nothing is stored.</exception>
    /// <exception cref="PostgresException">A value is outside the table's bounds (23514); nothing is stored.</exception>
    public async Task<PhoneRecordingResult?> StoreAsync(
        long driverId, ImuTripEvidence evidence, TimeZoneInfo zone, DriverPipelineOptions? options, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(zone);
        actor.Validate();
        await using var session = await PostgresUploadSession.BeginAsync(_dataSource, _partitions, _timeProvider, driverId, actor, WriteDomainEvents, cancellationToken).ConfigureAwait(false);
        if (!await session.LockDriverAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var rows = await session.StorePhoneEvidenceAsync(evidence, cancellationToken).ConfigureAwait(false);
        if (rows == 0 || PhoneEvidenceRows.Extent(evidence) is not var (from, to))
        {
            // The same recording again, or one with nothing scored: nothing changes (disposing rolls back).
            return new PhoneRecordingResult(0, 0, 0, [], [], 0, 0);
        }

        var overlapped = await session.ReadTripsOverlappingAsync(from, to, cancellationToken).ConfigureAwait(false);
        List<long> replaced = [], ids = [];
        var unmeasured = 0;
        double km = 0;
        if (overlapped.Count > 0)
        {
            var replacements = await RemeasureAsync(session, overlapped, zone, options, cancellationToken).ConfigureAwait(false);
            unmeasured = overlapped.Count - replacements.Trips.Count;
            ids = await session.ReplaceTripsAsync(replacements.Trips, replacements.Imu, cancellationToken).ConfigureAwait(false);
            foreach (var (oldId, trip) in replacements.Trips)
            {
                replaced.Add(oldId);
                km += trip.DistanceKm;
            }
        }

        await session.AppendAuditAsync(new AuditChange("phone.recording", string.Create(CultureInfo.InvariantCulture, $"driver/{driverId}"), Audit(evidence, rows, from, to, replaced, ids)), cancellationToken)
            .ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new PhoneRecordingResult(rows, from, to, replaced, ids, unmeasured, km);
    }

    // The backfill's window: from the first trip's lead-in to one pause after the last, with the evidence stored for it.
    private static async Task<(List<(long OldTripId, TripFeatures Trip)> Trips, ImuTripEvidence Imu)> RemeasureAsync(
        PostgresUploadSession session, List<StoredTripSpan> overlapped, TimeZoneInfo zone, DriverPipelineOptions? options, CancellationToken cancellationToken)
    {
        var segmentation = (options ?? DriverPipelineOptions.Default).Segmentation;
        var replayFrom = TripReplayWindow.LeadInStart(overlapped[0].StartUnixMs, overlapped[0].PreviousEndUnixMs, TripReplayWindow.GapMs(segmentation));
        var replayTo = overlapped[^1].EndUnixMs + TripReplayWindow.PauseMs(segmentation) + 1;
        var imu = new ImuTripEvidence();
        await session.ReadPhoneEvidenceAsync(replayFrom, replayTo, imu, cancellationToken).ConfigureAwait(false);
        var (replayed, _) = await EventReplay.RunWithImuAsync(
            session.ReadEventsAsync(replayFrom, replayTo, ChunkSize, cancellationToken), zone, options, imu, cancellationToken).ConfigureAwait(false);
        var byStart = new Dictionary<long, TripFeatures>(replayed.Count);
        foreach (var trip in replayed)
        {
            byStart[trip.StartUnixMs] = trip;
        }

        var trips = new List<(long, TripFeatures)>(overlapped.Count);
        foreach (var stored in overlapped)
        {
            if (byStart.TryGetValue(stored.StartUnixMs, out var trip))
            {
                trips.Add((stored.TripId, trip));
            }
        }

        return (trips, imu);
    }

    private static string Audit(ImuTripEvidence evidence, long rows, long from, long to, List<long> replaced, List<long> ids)
    {
        var json = new StringBuilder(160);
        json.Append(CultureInfo.InvariantCulture,
            $"{{\"stored\":{rows},\"coverage\":{evidence.CoverageCount},\"manoeuvres\":{evidence.ManoeuvreCount},\"handling\":{evidence.HandlingCount},\"from_unix_ms\":{from},\"to_unix_ms\":{to}");
        json.Append(",\"replaced_trip_ids\":[").AppendJoin(',', replaced).Append("],\"trip_ids\":[").AppendJoin(',', ids).Append("]}");
        return json.ToString();
    }
}
