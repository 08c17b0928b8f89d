using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

using Npgsql;

namespace Telematics.Storage.Postgres.Audit;

/// <summary>
/// The tamper-evident audit log: appends rows for mutations made outside the repositories, signs the chain
/// head as anchors, and verifies the whole chain.
/// </summary>
/// <remarks>Thread-safe. Appends are serialised by the database (row lock on the chain head).</remarks>
public sealed class AuditLog
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
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var seq = await AuditWriter.AppendAsync(connection, transaction, _timeProvider.GetUtcNow(), actor, action, resource, beforeJson, afterJson, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return seq;
    }

    /// <summary>Verifies the chain and, when intact and not empty, signs its head and stores the signature as an anchor.</summary>
    /// <remarks>
    /// Incremental: when the latest anchor's signature verifies with this key and its row still carries the signed hash,
    /// only the rows after it are read and re-hashed (the rows before were verified when that anchor was made, and
    /// <see cref="VerifyAsync"/> still checks everything). Otherwise the whole chain is verified.
    /// </remarks>
    /// <param name="keyProvider">Provider of the signing key (never stored in the database).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The new anchor (or the one already stored for the same head), or <see langword="null"/> when the log is empty.</returns>
    /// <exception cref="InvalidOperationException">The chain does not verify: a broken chain is never signed.</exception>
    public async Task<AuditAnchor?> AnchorAsync(IAuditSigningKeyProvider keyProvider, CancellationToken cancellationToken = default)
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
            // The head is anchored already (one anchor per chain position, migration 0012): that anchor stands.
            return (await ReadAnchorsAsync(cancellationToken).ConfigureAwait(false)).First(a => a.Seq == anchor.Seq);
        }

        return anchor;
    }

    /// <summary>
    /// Recomputes every row hash from the stored values and checks each anchor's signature and head, naming the
    /// first row that does not check out.
    /// </summary>
    /// <param name="keyProvider">Provider of the verification key; <see langword="null"/> checks the chain only (anchors are then not trusted and not counted).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The verdict.</returns>
    /// <remarks>Reads the whole log in one streamed query; memory use does not grow with its length.</remarks>
    public async Task<AuditVerification> VerifyAsync(IAuditSigningKeyProvider? keyProvider, CancellationToken cancellationToken = default)
    {
        var anchors = keyProvider is null ? [] : await ReadAnchorsAsync(cancellationToken).ConfigureAwait(false);
        using var verificationKey = keyProvider?.CreateVerificationKey();

        return await WalkAsync(0, new byte[AuditChainHasher.HashLength], anchors, verificationKey, keyProvider?.KeyId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks the rows after <paramref name="afterSeq"/>, starting from its hash, and the anchors among them.</summary>
    private async Task<AuditVerification> WalkAsync(
        long afterSeq, byte[] head, List<AuditAnchor> anchors, ECDsa? verificationKey, string? keyId, CancellationToken cancellationToken)
    {
        var nextAnchor = 0;
        long length = afterSeq;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT seq, occurred_at, actor, action, resource, before::text, after::text, ip, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq",
            connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSeq });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var seq = reader.GetInt64(0);
            if (seq != length + 1)
            {
                return Broken(length, head, nextAnchor, length + 1, $"row {length + 1} is missing (next row found is {seq})");
            }

            var prevHash = reader.GetFieldValue<byte[]>(8);
            if (!prevHash.AsSpan().SequenceEqual(head))
            {
                return Broken(length, head, nextAnchor, seq, "its previous-hash link does not match the hash of the row before it");
            }

            var computed = AuditChainHasher.Compute(
                head,
                seq,
                reader.GetFieldValue<DateTime>(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<IPAddress>(7));
            if (!computed.AsSpan().SequenceEqual(reader.GetFieldValue<byte[]>(9)))
            {
                return Broken(length, head, nextAnchor, seq, "its stored hash does not match its contents (the row was changed)");
            }

            head = computed;
            length = seq;
            while (nextAnchor < anchors.Count && anchors[nextAnchor].Seq == seq)
            {
                var problem = CheckAnchor(anchors[nextAnchor], head, verificationKey!, keyId!);
                if (problem is not null)
                {
                    return Broken(length, head, nextAnchor, seq, problem);
                }

                nextAnchor++;
            }
        }

        if (nextAnchor < anchors.Count)
        {
            var missing = anchors[nextAnchor];
            return Broken(length, head, nextAnchor, missing.Seq, $"an anchor signed row {missing.Seq} but the log ends at row {length} (rows were removed)");
        }

        return new AuditVerification(true, length, head, nextAnchor, null, null);
    }

    internal static byte[] AnchorPayload(long seq, ReadOnlySpan<byte> headHash)
    {
        var payload = new byte[AnchorDomain.Length + 8 + headHash.Length];
        AnchorDomain.CopyTo(payload, 0);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(AnchorDomain.Length), seq);
        headHash.CopyTo(payload.AsSpan(AnchorDomain.Length + 8));
        return payload;
    }

    /// <summary>Verifies the rows after the latest anchor when that anchor still holds, else the whole chain.</summary>
    private async Task<AuditVerification> VerifySinceLastAnchorAsync(IAuditSigningKeyProvider keyProvider, CancellationToken cancellationToken)
    {
        await using (var command = _dataSource.CreateCommand(
            "SELECT a.seq, a.head_hash, a.signed_at, a.key_id, a.signature, l.hash FROM audit_anchors a LEFT JOIN audit_log l ON l.seq = a.seq " +
            "ORDER BY a.seq DESC LIMIT 1"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.IsDBNull(5))
            {
                var last = new AuditAnchor(
                    reader.GetInt64(0),
                    reader.GetFieldValue<byte[]>(1),
                    new DateTimeOffset(reader.GetFieldValue<DateTime>(2)),
                    reader.GetString(3),
                    reader.GetFieldValue<byte[]>(4));
                var rowHash = reader.GetFieldValue<byte[]>(5);
                using var key = keyProvider.CreateVerificationKey();
                if (CheckAnchor(last, rowHash, key, keyProvider.KeyId) is null)
                {
                    await reader.DisposeAsync().ConfigureAwait(false);
                    var since = await WalkAsync(last.Seq, rowHash, [], null, null, cancellationToken).ConfigureAwait(false);
                    return since with { AnchorsChecked = 1 };
                }
            }
        }

        return await VerifyAsync(keyProvider, cancellationToken).ConfigureAwait(false);
    }

    private static string? CheckAnchor(AuditAnchor anchor, byte[] recomputedHead, ECDsa key, string keyId)
    {
        if (!string.Equals(anchor.KeyId, keyId, StringComparison.Ordinal))
        {
            return $"the anchor at row {anchor.Seq} was signed with key {anchor.KeyId}, not the verification key {keyId}";
        }

        if (!key.VerifyData(AnchorPayload(anchor.Seq, anchor.HeadHash.Span), anchor.Signature.Span, HashAlgorithmName.SHA256))
        {
            return $"the anchor signature at row {anchor.Seq} does not verify (the anchor was forged or altered)";
        }

        if (!anchor.HeadHash.Span.SequenceEqual(recomputedHead))
        {
            return $"the signed anchor at row {anchor.Seq} does not match the recomputed chain (the log was rewritten up to this row)";
        }

        return null;
    }

    private static AuditVerification Broken(long length, byte[] head, int anchorsChecked, long seq, string problem) =>
        new(false, length, head, anchorsChecked, seq, problem);

    private async Task<List<AuditAnchor>> ReadAnchorsAsync(CancellationToken cancellationToken)
    {
        var anchors = new List<AuditAnchor>();
        await using var command = _dataSource.CreateCommand("SELECT seq, head_hash, signed_at, key_id, signature FROM audit_anchors ORDER BY seq, anchor_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            anchors.Add(new AuditAnchor(
                reader.GetInt64(0),
                reader.GetFieldValue<byte[]>(1),
                new DateTimeOffset(reader.GetFieldValue<DateTime>(2)),
                reader.GetString(3),
                reader.GetFieldValue<byte[]>(4)));
        }

        return anchors;
    }
}
