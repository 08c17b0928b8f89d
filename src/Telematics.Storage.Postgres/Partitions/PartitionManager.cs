using Npgsql;

using Telematics.Service.Storage;

namespace Telematics.Storage.Postgres.Partitions;

/// <summary>
/// Life cycle of the monthly partitions of <c>telematics_events</c>: create (ahead and on demand), move rows
/// out of DEFAULT, list, drop, archive to gzip CSV, restore, and the retention routine that combines them.
/// </summary>
/// <remarks>
/// Thread-safe. Structural changes take a transaction-scoped advisory lock, so concurrent processes never
/// create or drop the same partition twice. Every create, drop, archive and restore writes an audit row in
/// its own transaction. Identifiers come only from <see cref="PartitionMonth"/>, never from caller text.
/// The entry point only: each kind of work is done by its own internal type, which this one wires together.
/// </remarks>
public sealed class PartitionManager
{
    private readonly PartitionCatalog _catalog;
    private readonly PartitionCreator _creator;
    private readonly PartitionRemover _remover;
    private readonly PartitionArchiver _archiver;
    private readonly PartitionRestorer _restorer;
    private readonly PartitionRetention _retention;

    /// <summary>Creates the manager.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    /// <param name="options">Premake, retention and archive settings.</param>
    /// <param name="timeProvider">Clock that decides the current month.</param>
    public PartitionManager(NpgsqlDataSource dataSource, TelematicsPostgresOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var archiveWriter = new ArchiveWriter(timeProvider);
        _catalog = new PartitionCatalog(dataSource);
        _creator = new PartitionCreator(dataSource, options, timeProvider, _catalog);
        _remover = new PartitionRemover(dataSource, timeProvider, _creator);
        _archiver = new PartitionArchiver(dataSource, archiveWriter, _remover, _creator, timeProvider);
        _restorer = new PartitionRestorer(dataSource, new ArchiveVerifier(dataSource), _creator, timeProvider);
        _retention = new PartitionRetention(dataSource, options, timeProvider, _catalog, _creator, _remover, _archiver, archiveWriter);
    }

    /// <summary>Lists every partition with its range, exact row count and size, months in order and DEFAULT last.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The partitions.</returns>
    /// <remarks>Counts rows exactly, which reads each partition; meant for operators, not hot paths.</remarks>
    public Task<IReadOnlyList<PartitionInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        _catalog.ListAsync(cancellationToken);

    /// <summary>Creates the partition of <paramref name="month"/> unless it exists, moving its rows out of DEFAULT.</summary>
    /// <param name="month">The month.</param>
    /// <param name="actor">Who asks, for the audit row.</param>
    /// <param name="cancellationToken">Cancels the work; a half-made partition rolls back.</param>
    /// <returns>Rows moved out of DEFAULT, or -1 when the partition already existed.</returns>
    public Task<long> CreateAsync(PartitionMonth month, AuditActor actor, CancellationToken cancellationToken = default) =>
        _creator.CreateAsync(month, actor, cancellationToken);

    /// <summary>
    /// Inside an ingest transaction, before its rows are written: makes sure each month up to the horizon has its
    /// partition and holds it (ROW EXCLUSIVE) until the transaction ends, so no other process can drop or detach it
    /// before the rows are in. Months later than the horizon (<see cref="TelematicsPostgresOptions.PremakeMonths"/> after
    /// the current UTC month) get no partition: their rows go to DEFAULT on purpose.
    /// </summary>
    /// <remarks>
    /// The instance's cache of known months only saves the create call: every batch checks the catalog under the lock, so
    /// a month dropped or detached by another process since it was cached is created again instead of its rows landing
    /// silently in DEFAULT. Missing months are created (on their own connection) while this transaction holds none of
    /// these locks, so partition maintenance waiting for the advisory lock cannot deadlock with it.
    /// </remarks>
    /// <param name="connection">The ingest connection.</param>
    /// <param name="transaction">The ingest transaction; a savepoint is used and released.</param>
    /// <param name="months">Months that the batch is about to write.</param>
    /// <param name="actor">Who writes, for the audit rows of partitions created.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when every month within the horizon has a partition held by the transaction.</returns>
    /// <exception cref="InvalidOperationException">A month's partition disappeared three times in a row while being taken.</exception>
    internal Task EnsureMonthsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<PartitionMonth> months, AuditActor actor, CancellationToken cancellationToken) =>
        _creator.EnsureMonthsAsync(connection, transaction, months, actor, cancellationToken);

    /// <summary>Months that have rows in the DEFAULT partition, with their row counts.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>Month and row count pairs in month order; rows outside 2000–2199 are not listed (they stay in DEFAULT).</returns>
    public Task<IReadOnlyList<(PartitionMonth Month, long Rows)>> ReadDefaultMonthsAsync(CancellationToken cancellationToken = default) =>
        _catalog.ReadDefaultMonthsAsync(cancellationToken);

    /// <summary>Moves every row of the DEFAULT partition that has a supported month into that month's partition.</summary>
    /// <param name="actor">Who asks, for the audit rows.</param>
    /// <param name="cancellationToken">Cancels the work; each month moves in its own transaction.</param>
    /// <returns>Rows moved.</returns>
    public Task<long> MoveDefaultRowsAsync(AuditActor actor, CancellationToken cancellationToken = default) =>
        _creator.MoveDefaultRowsAsync(actor, cancellationToken);

    /// <summary>Detaches and drops the partition of <paramref name="month"/>, deleting its rows, with an audit row.</summary>
    /// <param name="month">The month.</param>
    /// <param name="actor">Who asks.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>Rows dropped, or -1 when the month has no partition.</returns>
    public Task<long> DropAsync(PartitionMonth month, AuditActor actor, CancellationToken cancellationToken = default) =>
        _remover.DropAsync(month, actor, cancellationToken);

    /// <summary>
    /// The retention routine: creates partitions from the current UTC month to <see cref="TelematicsPostgresOptions.PremakeMonths"/>
    /// ahead, moves DEFAULT rows of months within retention and the horizon into their months, and removes everything older
    /// than <see cref="TelematicsPostgresOptions.RetentionMonths"/>: month partitions are archived (when an archive folder is
    /// configured), detached and kept (<see cref="TelematicsPostgresOptions.RetentionKeepTable"/>) or dropped, and expired
    /// DEFAULT rows (any year) are archived, kept aside or deleted the same way. Records of stored streamed batches older
    /// than <see cref="TelematicsPostgresOptions.BatchLedgerRetention"/> are deleted.
    /// </summary>
    /// <remarks>
    /// An expired month never gets a partition from DEFAULT first: its rows are judged in the same run, with the rest of
    /// the expired DEFAULT rows. DEFAULT rows later than the horizon stay there and are counted in
    /// <see cref="MaintenanceReport.BeyondHorizonInDefault"/>.
    /// </remarks>
    /// <param name="actor">Who asks.</param>
    /// <param name="dryRun">When <see langword="true"/>, reports what would be done and changes nothing.</param>
    /// <param name="cancellationToken">Cancels between steps; finished steps stay done.</param>
    /// <returns>What was (or would be) done.</returns>
    public Task<MaintenanceReport> MaintainAsync(AuditActor actor, bool dryRun = false, CancellationToken cancellationToken = default) =>
        _retention.MaintainAsync(actor, dryRun, cancellationToken);

    /// <summary>
    /// Checks an archive file against its record in <c>partition_archives</c> without loading it: the file's SHA-256,
    /// its row count, the hash of its rows in the canonical encoding, and that every row lies in the recorded range.
    /// </summary>
    /// <param name="path">The archive file.</param>
    /// <param name="month">The month it should hold; the record is the one with the file's name (or SHA-256), else that month's latest. An archive of expired DEFAULT rows, which may span months, is found by its file whatever the month.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>What differs, one phrase each; empty when the file is the archive that was recorded.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public Task<IReadOnlyList<string>> VerifyArchiveAsync(string path, PartitionMonth month, CancellationToken cancellationToken = default) =>
        _restorer.VerifyAsync(path, month, cancellationToken);

    /// <summary>
    /// Loads an archive file back into <c>telematics_events</c> after checking it against its record, in one transaction
    /// with the month's partition (created when missing) and a <c>partition.restore</c> audit row.
    /// </summary>
    /// <remarks>
    /// Rows of drivers erased since the archive was written (a <c>driver.delete</c> audit row) are left out, so a restore
    /// never brings an erasure back; the audit row counts them (<c>erased_rows_left_out</c>). The file itself still holds
    /// them: the erasure listed it for review.
    /// </remarks>
    /// <param name="path">Path of an archive written by <see cref="ArchiveAsync"/>.</param>
    /// <param name="month">The month the archive holds. An archive of expired DEFAULT rows is found by its file and its rows go back to the partitions of their months (created when missing; DEFAULT for months outside 2000–2199).</param>
    /// <param name="actor">Who asks.</param>
    /// <param name="cancellationToken">Cancels the load; nothing is kept then.</param>
    /// <returns>Rows loaded: the archive's rows but those of erased drivers.</returns>
    /// <exception cref="ArchiveVerificationException">The file's SHA-256, row count or content hash differs from the record, a row is outside the month, or no archive of the month is recorded; nothing was loaded.</exception>
    /// <exception cref="PostgresException">The file's rows clash with rows already stored (unique violation); nothing was loaded.</exception>
    public Task<long> RestoreAsync(string path, PartitionMonth month, AuditActor actor, CancellationToken cancellationToken = default) =>
        _restorer.RestoreAsync(path, month, actor, cancellationToken);

    /// <summary>
    /// Writes the partition of <paramref name="month"/> to a gzip CSV in <paramref name="directory"/>, proves the file holds
    /// the partition's rows, records it in <c>partition_archives</c>, then detaches and drops the partition — all in one
    /// transaction that blocks writes to that month meanwhile.
    /// </summary>
    /// <remarks>
    /// The file is written under a <c>.partial</c> name and fsynced; it is then read back from disk: its rows are counted
    /// and hashed in <see cref="ArchiveRowHasher"/>'s canonical encoding, and both must equal the count and the hash of
    /// the partition's rows read through a separate binary COPY. Only then is it renamed to its final name, the folder
    /// fsynced, the row count, file SHA-256 and content hash recorded, and the partition dropped.
    /// </remarks>
    /// <param name="month">The month to archive.</param>
    /// <param name="directory">Folder for the file (created when missing); the name is <c>telematics_events_YYYY_MM-&lt;UTC time&gt;.csv.gz</c>.</param>
    /// <param name="actor">Who asks.</param>
    /// <param name="cancellationToken">Cancels the work; the partition then stays and the partial file is deleted.</param>
    /// <returns>The archive, or <see langword="null"/> when the month has no partition.</returns>
    /// <exception cref="IOException">The file cannot be written, or reading it back does not give the partition's rows; the partition is kept.</exception>
    public Task<PartitionArchive?> ArchiveAsync(PartitionMonth month, string directory, AuditActor actor, CancellationToken cancellationToken = default) =>
        _archiver.ArchiveAsync(month, directory, actor, cancellationToken);

    /// <summary>Reads an archive file back: its data row count and the SHA-256 of its bytes.</summary>
    /// <param name="path">Path of a <c>.csv.gz</c> archive.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Row count (lines after the header) and SHA-256 of the file (32 bytes).</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="InvalidDataException">The file is not gzip or a line is not an archived row.</exception>
    public static Task<(long Rows, byte[] Sha256)> ReadBackAsync(string path, CancellationToken cancellationToken = default) =>
        PartitionArchiver.ReadBackAsync(path, cancellationToken);
}
