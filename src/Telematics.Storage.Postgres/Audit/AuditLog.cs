using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

using Npgsql;

using Telematics.Service.Events;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Connection;
using Telematics.Storage.Postgres.Outbox;

namespace Telematics.Storage.Postgres.Audit;

/// <summary>
/// The tamper-evident audit log: appends rows for mutations made outside the repositories, signs the chain
/// head as anchors, and verifies the whole chain.
/// </summary>
/// <remarks>Thread-safe. Appends are serialised by the database (row lock on the chain head).</remarks>
public sealed partial class AuditLog
{
    private static readonly byte[] AnchorDomain = Encoding.ASCII.GetBytes("telematics-audit-anchor/v1");

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the audit log over a migrated database.</summary>
    /// <param name="dataSource">Data source of the database.</param>
    /// <param name="timeProvider">Clock for row and anchor times.</param>
    public AuditLog(NpgsqlDataSource dataSource, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataSource = dataSource;
        _timeProvider = timeProvider;
    }

    /// <summary>Appends one audit row in a transaction of its own (e.g. for a model promotion made by the host).</summary>
    /// <param name="actor">Who did it.</param>
    /// <param name="action">What was done, e.g. <c>model.promote</c> (1–100 characters).</param>
    /// <param name="resource">What it was done to, e.g. <c>model/risk-gbm</c> (1–400 characters).</param>
    /// <param name="beforeJson">State before as JSON text, or <see langword="null"/>.</param>
    /// <param name="afterJson">State after as JSON text, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    /// <returns>The row's sequence number.</returns>
    /// <exception cref="ArgumentException">The actor, action or resource is empty or too long.</exception>
    /// <exception cref="PostgresException">The JSON is not valid (SQL state 22P02).</exception>
    public async Task<long> AppendAsync(AuditActor actor, string action, string resource, string? beforeJson, string? afterJson, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentException.ThrowIfNullOrWhiteSpace(resource);
        await using var durable = await DurableTransaction.BeginAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        var (connection, transaction) = (durable.Connection, durable.Transaction);
        var seq = await AuditWriter.AppendAsync(connection, transaction, _timeProvider.GetUtcNow(), actor, action, resource, beforeJson, afterJson, cancellationToken).ConfigureAwait(false);
        await durable.CommitAsync(cancellationToken).ConfigureAwait(false);
        return seq;
    }

    /// <summary>
    /// Appends an audit row as <see cref="AppendAsync(AuditActor, string, string, string?, string?, CancellationToken)"/>
    /// and, in the same transaction, the domain event the audited change raises (made from the row's sequence number,
    /// which gives it a unique id) to <c>domain_event_outbox</c>: for changes made outside the database, such as a model promotion.
    /// </summary>
    /// <param name="actor">Who made the change.</param>
    /// <param name="action">What was done, e.g. <c>model.promote</c>.</param>
    /// <param name="resource">What it was done to.</param>
    /// <param name="beforeJson">The state before, as JSON, or null.</param>
    /// <param name="afterJson">The state after, as JSON, or null.</param>
    /// <param name="domainEvent">Makes the event from the audit row's sequence number.</param>
    /// <param name="cancellationToken">Cancels the append; neither is written then.</param>
    /// <returns>The audit row's sequence number.</returns>
    public async Task<long> AppendWithEventAsync(
        AuditActor actor, string action, string resource, string? beforeJson, string? afterJson, Func<long, DomainEvent> domainEvent, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentException.ThrowIfNullOrWhiteSpace(resource);
        ArgumentNullException.ThrowIfNull(domainEvent);
        await using var durable = await DurableTransaction.BeginAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        var (connection, transaction) = (durable.Connection, durable.Transaction);
        var seq = await AuditWriter.AppendAsync(connection, transaction, _timeProvider.GetUtcNow(), actor, action, resource, beforeJson, afterJson, cancellationToken).ConfigureAwait(false);
        await OutboxWriter.AppendAsync(connection, transaction, domainEvent(seq), cancellationToken).ConfigureAwait(false);
        await durable.CommitAsync(cancellationToken).ConfigureAwait(false);
        return seq;
    }

    /// <summary>
    /// Verifies the chain and, when intact and not empty, signs its head, stores the signature as an anchor and copies it
    /// to <paramref name="journal"/> (database first: see <see cref="AuditAnchorJournal"/>).
    /// </summary>
    /// <remarks>
    /// Incremental: when the latest anchor's signature verifies with this key and its row still carries the signed hash,
    /// only the rows after it are read and re-hashed (the rows before were verified when that anchor was made, and
    /// <see cref="VerifyAsync"/> still checks everything). Otherwise the whole chain is verified.
    /// </remarks>
    /// <param name="keyProvider">Provider of the signing key (never stored in the database).</param>
    /// <param name="journal">The copy of the anchors outside the database, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The new anchor (or the one already stored for the same head), or <see langword="null"/> when the log is empty.</returns>
    /// <exception cref="InvalidOperationException">The chain does not verify: a broken chain is never signed.</exception>
    /// <exception cref="IOException">The journal cannot be written (the anchor is stored in the database).</exception>
    /// <exception cref="InvalidDataException">The journal holds a line that is not an anchor (the anchor is stored in the database).</exception>
    public async Task<AuditAnchor?> AnchorAsync(IAuditSigningKeyProvider keyProvider, AuditAnchorJournal? journal = null, CancellationToken cancellationToken = default)
    {
        var anchor = await StoreAnchorAsync(keyProvider, cancellationToken).ConfigureAwait(false);
        if (anchor is not null && journal is not null)
        {
            await journal.AppendAsync(anchor, cancellationToken).ConfigureAwait(false);
        }

        return anchor;
    }

    private async Task<AuditAnchor?> StoreAnchorAsync(IAuditSigningKeyProvider keyProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyProvider);
        var verification = await VerifySinceLastAnchorAsync(keyProvider, cancellationToken).ConfigureAwait(false);
        if (!verification.IsIntact)
        {
            throw new InvalidOperationException($"The audit chain is not signed because it does not verify: {verification}");
        }

        if (verification.Length == 0)
        {
            return null;
        }

        byte[] signature;
        using (var key = keyProvider.CreateSigningKey())
        {
            signature = key.SignData(AnchorPayload(verification.Length, verification.HeadHash.Span), HashAlgorithmName.SHA256);
        }

        var anchor = new AuditAnchor(verification.Length, verification.HeadHash, _timeProvider.GetUtcNow(), keyProvider.KeyId, signature);
        await using var command = _dataSource.CreateCommand("INSERT INTO audit_anchors (seq, head_hash, signed_at, key_id, signature) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seq) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = anchor.Seq });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = anchor.HeadHash.ToArray() });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = anchor.SignedAt.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = anchor.KeyId });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = signature });
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            // The head is anchored already (one anchor per chain position, migration 0012): that anchor stands, unless this
            // key cannot check it (another key, or a junk row): then it proves nothing, and the next row can be anchored.
            var stored = await ReadAnchorAtAsync(anchor.Seq, cancellationToken).ConfigureAwait(false);
            using var keys = new AnchorKeys(keyProvider, []);
            return keys.Check(stored).Verified
                ? stored
                : throw new InvalidOperationException(
                    $"Row {anchor.Seq} already carries an anchor of key {stored.KeyId} that this key cannot verify; anchor again once the log has grown.");
        }

        return anchor;
    }

    internal static byte[] AnchorPayload(long seq, ReadOnlySpan<byte> headHash)
    {
        var payload = new byte[AnchorDomain.Length + 8 + headHash.Length];
        AnchorDomain.CopyTo(payload, 0);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(AnchorDomain.Length), seq);
        headHash.CopyTo(payload.AsSpan(AnchorDomain.Length + 8));
        return payload;
    }
}
