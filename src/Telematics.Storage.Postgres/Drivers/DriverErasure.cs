namespace Telematics.Storage.Postgres.Drivers;

/// <summary>What <see cref="DriverRepository.EraseAsync"/> removed, and the archive files it could not reach.</summary>
/// <param name="DriverId">The erased driver.</param>
/// <param name="EventsDeleted">
/// Raw events deleted from <c>telematics_events</c> (every monthly partition and the default one) and from the tables
/// retention kept aside (<see cref="TelematicsPostgresOptions.RetentionKeepTable"/>).
/// </param>
/// <param name="ArchivesToReview">
/// File names of the monthly archives (<c>partition_archives</c>) written before their partitions were dropped. They
/// are compressed CSV files outside the database and may hold the driver's events of those months. A restore leaves the
/// erased driver's rows out (<see cref="Partitions.PartitionManager.RestoreAsync"/>), so the database never gets them
/// back; where the files themselves must not keep them, the operator deletes the files (a re-written file no longer
/// matches its record and cannot be restored). Also lists archive files a killed run published without a record, as a
/// later run reported them (a <c>partition.archive_unrecorded</c> audit row). Empty when no month was ever archived.
/// </param>
public sealed record DriverErasure(long DriverId, long EventsDeleted, IReadOnlyList<string> ArchivesToReview)
{
    /// <summary>
    /// Tables retention kept aside that the erasing role may not delete from (expired DEFAULT rows kept by a maintenance
    /// run older than this version, which made the table as itself), so they may still hold the driver's events: the
    /// operator deletes those rows as the maintenance role. Empty when every kept table was reached.
    /// </summary>
    public IReadOnlyList<string> TablesToReview { get; init; } = [];

    /// <summary>
    /// The driver's earlier audit rows (its own and those under it: <c>driver/ID/score/N</c>, <c>driver/ID/premium</c>, …)
    /// whose before and after the erasure removed; the chain keeps their salted digests, so it still verifies.
    /// </summary>
    public long AuditRowsRedacted { get; init; }

    /// <summary>
    /// The driver's audit rows written before migration 0030, whose hash covers their content itself: they keep it, since
    /// removing it would break the chain. Zero for a driver registered since.
    /// </summary>
    public long AuditRowsKept { get; init; }
}
