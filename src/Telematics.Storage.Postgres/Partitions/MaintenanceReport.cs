namespace Telematics.Storage.Postgres.Partitions;

/// <summary>What <see cref="PartitionManager.MaintainAsync"/> did, or would do in a dry run.</summary>
/// <param name="Created">Months whose partitions were (or would be) created, including those moved out of DEFAULT.</param>
/// <param name="MovedFromDefault">Rows moved (or to move) out of the DEFAULT partition into their month.</param>
/// <param name="Archived">Months archived and dropped (or to be) because they fall outside retention.</param>
/// <param name="Dropped">Months dropped without archive (or to be) because no archive folder is configured.</param>
/// <param name="DryRun">Whether nothing was changed.</param>
public sealed record MaintenanceReport(
    IReadOnlyList<PartitionMonth> Created,
    long MovedFromDefault,
    IReadOnlyList<PartitionMonth> Archived,
    IReadOnlyList<PartitionMonth> Dropped,
    bool DryRun)
{
    /// <summary>Months detached and kept as plain tables (or to be) because <see cref="TelematicsPostgresOptions.RetentionKeepTable"/> is set.</summary>
    public IReadOnlyList<PartitionMonth> Detached { get; init; } = [];

    /// <summary>DEFAULT rows older than retention (any year, also before 2000) removed (or to remove): archived, moved to a kept table, or deleted.</summary>
    public long ExpiredFromDefault { get; init; }

    /// <summary>The archive of the expired DEFAULT rows, when they were archived.</summary>
    public PartitionArchive? DefaultArchive { get; init; }

    /// <summary>DEFAULT rows later than the premake horizon (a wrong device clock, or years past 2199); they stay in DEFAULT.</summary>
    public long BeyondHorizonInDefault { get; init; }

    /// <summary>
    /// Archive files in <see cref="TelematicsPostgresOptions.ArchiveDirectory"/> named as this product names them but not
    /// recorded in <c>partition_archives</c> (a run killed between publishing a file and committing its record): they may
    /// hold raw locations, so they are reported (and listed for review by every later erasure) rather than deleted.
    /// </summary>
    public IReadOnlyList<string> UnrecordedArchives { get; init; } = [];

    /// <summary>Records of stored streamed batches older than <see cref="TelematicsPostgresOptions.BatchLedgerRetention"/> deleted (or to delete).</summary>
    public long PrunedBatchRecords { get; init; }
}
