using Telematics.Storage.Postgres.Audit;

namespace Telematics.Storage.Postgres;

/// <summary>Settings of the PostgreSQL storage; validated at start-up by <c>AddTelematicsPostgres</c>.</summary>
public sealed class TelematicsPostgresOptions
{
    /// <summary>Connection string of the database.</summary>
    /// <value>Default <see langword="null"/>: the host resolves it through <see cref="Connection.PostgresConnectionString"/>.</value>
    public string? ConnectionString { get; set; }

    /// <summary>Months of <c>telematics_events</c> partitions kept created ahead of the current UTC month.</summary>
    /// <value>
    /// Default 3 (design §5); 0–24. Also the horizon of ingest: events of a month later than this many months after the
    /// current UTC month (a wrong device clock) get no partition and go to DEFAULT, where <c>MaintainAsync</c> reports them
    /// and moves them into their month once it comes within the horizon.
    /// </value>
    public int PremakeMonths { get; set; } = 3;

    /// <summary>Months of events kept, counting the current UTC month; older partitions are archived (or dropped) by maintenance.</summary>
    /// <value>Default 25: two policy years of history plus the running month, enough to re-score a renewal. 1–1200.</value>
    public int RetentionMonths { get; set; } = 25;

    /// <summary>Whether maintenance detaches expired month partitions and keeps them as plain tables instead of dropping them (pg_partman's <c>retention_keep_table</c>).</summary>
    /// <value>
    /// Default <see langword="false"/>: expired months are archived (with <see cref="ArchiveDirectory"/>) or dropped. When
    /// <see langword="true"/>, an expired month's table is detached and renamed <c>telematics_events_YYYY_MM_detached_&lt;UTC time&gt;</c>,
    /// and expired DEFAULT rows (without <see cref="ArchiveDirectory"/>) are moved into <c>telematics_events_default_expired_&lt;UTC time&gt;</c>.
    /// Erasing a driver deletes their rows from these tables too (<see cref="Drivers.DriverRepository.EraseAsync"/>).
    /// </value>
    public bool RetentionKeepTable { get; set; }

    /// <summary>Folder where maintenance writes partition archives before dropping them.</summary>
    /// <value>Default <see langword="null"/>: expired partitions are dropped without an archive (the drop is still audited).</value>
    public string? ArchiveDirectory { get; set; }

    /// <summary>Key that signs audit anchors.</summary>
    /// <value>Default <see langword="null"/>: <see cref="SigningKeyPemPath"/> is used when set; otherwise anchors cannot be made.</value>
    public IAuditSigningKeyProvider? SigningKeyProvider { get; set; }

    /// <summary>Path of a PEM file with the P-256 key that signs (private key) or verifies (public key) audit anchors.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? SigningKeyPemPath { get; set; }

    /// <summary>Whether the embedded migrations are applied when the first storage service is resolved.</summary>
    /// <value>Default <see langword="false"/>: schema changes are an explicit step (<see cref="Migrations.MigrationRunner"/>).</value>
    public bool ApplyMigrationsOnStartup { get; set; }

    /// <summary>
    /// Whether the book's writes also leave their domain events (<c>DriverRegistered</c>, <c>TripCompleted</c>,
    /// <c>RiskScoreCalculated</c>, <c>PremiumUpdated</c>, <c>SafetyAlert</c>) in <c>domain_event_outbox</c>, in the same
    /// transaction as the change, for a relay to hand on (Telematics.Streaming.Nats; <c>docs/events.md</c>).
    /// </summary>
    /// <value>Default <see langword="false"/>: nothing reads the outbox, so nothing is written to it. Turn it on in every
    /// process that writes to a book whose events are relayed (hosts and CLI alike), or their writes raise no events.</value>
    public bool WriteDomainEvents { get; set; }

    /// <summary>How long the record of a stored streamed batch (<c>ingest_batches</c>) is kept; maintenance deletes older ones.</summary>
    /// <value>
    /// Default 14 days: twice the event stream's default <c>MaxAge</c> (7 days, Telematics.Streaming.Nats), since a batch
    /// stored but not acknowledged can be delivered again for as long as the stream keeps it. Keep it at least the stream's
    /// MaxAge. A batch sent again after its record is gone stores no event twice (events are keyed) and changes no trip; only
    /// <c>GET /telematics/batches/{id}</c> answers 404 for it again. 1 hour – 3,650 days.
    /// </value>
    public TimeSpan BatchLedgerRetention { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Returns the problems with these settings, empty when valid.</summary>
    /// <returns>One message per invalid setting, naming it.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (PremakeMonths is < 0 or > 24)
        {
            problems.Add($"{nameof(PremakeMonths)} must be 0–24 (was {PremakeMonths}).");
        }

        if (RetentionMonths is < 1 or > 1200)
        {
            problems.Add($"{nameof(RetentionMonths)} must be 1–1200 (was {RetentionMonths}).");
        }

        if (BatchLedgerRetention < TimeSpan.FromHours(1) || BatchLedgerRetention > TimeSpan.FromDays(3650))
        {
            problems.Add($"{nameof(BatchLedgerRetention)} must be 1 hour to 3,650 days (was {BatchLedgerRetention}).");
        }

        if (ArchiveDirectory is { Length: 0 })
        {
            problems.Add($"{nameof(ArchiveDirectory)} must be a folder path or null.");
        }

        if (SigningKeyPemPath is not null && !File.Exists(SigningKeyPemPath))
        {
            problems.Add($"{nameof(SigningKeyPemPath)} names a file that does not exist: {SigningKeyPemPath}");
        }

        return problems;
    }
}
