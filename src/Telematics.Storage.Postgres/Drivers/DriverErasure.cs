namespace Telematics.Storage.Postgres.Drivers;

/// <summary>What <see cref="DriverRepository.EraseAsync"/> removed, and the archive files it could not reach.</summary>
/// <param name="DriverId">The erased driver.</param>
/// <param name="EventsDeleted">Raw events deleted from <c>telematics_events</c> (every monthly partition and the default one).</param>
/// <param name="ArchivesToReview">
/// File names of the monthly archives (<c>partition_archives</c>) written before their partitions were dropped. They
/// are compressed CSV files outside the database and may hold the driver's events of those months: the operator must
/// delete them or re-write them without the driver. Empty when no month was ever archived.
/// </param>
public sealed record DriverErasure(long DriverId, long EventsDeleted, IReadOnlyList<string> ArchivesToReview);
