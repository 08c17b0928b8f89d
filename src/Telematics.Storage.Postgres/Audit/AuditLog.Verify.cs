using System.Data;
using System.Net;

using Npgsql;

namespace Telematics.Storage.Postgres.Audit;

public sealed partial class AuditLog
{
    /// <summary>
    /// Recomputes every row hash, checks every anchor (signature with a key, head hash always), the chain head the
    /// database records, the journal's anchors against <c>audit_anchors</c>, and how old the rows no anchor covers are.
    /// </summary>
    /// <param name="options">Key, journal and age limit; <see langword="null"/> for none of them (the chain, the head and the anchors' head hashes are still checked).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The verdict, naming the first row (or anchor) that does not check out.</returns>
    /// <remarks>
    /// <para>
    /// Reads the whole log in one streamed query; memory use does not grow with its length. Caught: a row changed, inserted or removed anywhere (its hash or link breaks); the newest rows removed (the chain
    /// head still records them); a consistent rewrite (every hash recomputed) up to an anchor (the anchor's signed head
    /// differs); anchors deleted from the database or altered (with a journal); a journal line altered (with a key).
    /// </para>
    /// <para>
    /// Not caught: a consistent rewrite of the rows after the newest anchor together with the chain head — which is why
    /// <see cref="AuditVerifyOptions.MaxUnanchoredAge"/> refuses to call a log intact whose uncovered rows are old — and a
    /// rewrite that also deletes the anchors when there is no journal. Snapshot-consistent: rows, head and anchors are
    /// read in one repeatable-read transaction.
    /// </para>
    /// </remarks>
    /// <exception cref="IOException">The journal cannot be read.</exception>
    public Task<AuditVerification> VerifyAsync(AuditVerifyOptions? options = null, CancellationToken cancellationToken = default) =>
        VerifyWithAsync(options ?? new AuditVerifyOptions(), skipBadSignatures: false, cancellationToken);

    private async Task<AuditVerification> VerifyWithAsync(AuditVerifyOptions options, bool skipBadSignatures, CancellationToken cancellationToken)
    {
        IReadOnlyList<AuditAnchor> journal = [];
        if (options.Journal is { } file)
        {
            try
            {
                journal = await file.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException unreadable)
            {
                return new AuditVerification(false, 0, new byte[AuditChainHasher.HashLength], 0, null, unreadable.Message);
            }
        }

        using var keys = options.Key is null && options.PreviousKeys.Count == 0
            ? null
            : new AnchorKeys(options.Key, options.PreviousKeys) { SkipBadSignatures = skipBadSignatures };
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var anchors = await ReadAnchorsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var walk = await WalkAsync(connection, transaction, 0, new byte[AuditChainHasher.HashLength], anchors, keys, cancellationToken).ConfigureAwait(false);
        var verdict = walk.Verdict with { SignaturesChecked = keys is not null };
        if (!verdict.IsIntact)
        {
            return verdict;
        }

        for (var i = 0; i < journal.Count; i++)
        {
            var problem = CheckJournalAnchor(journal[i], anchors, keys, options.Journal!.Path);
            if (problem is not null)
            {
                return verdict with { IsIntact = false, FirstBrokenSeq = journal[i].Seq, Problem = problem, JournalAnchorsChecked = i };
            }
        }

        verdict = verdict with { JournalAnchorsChecked = journal.Count };
        if (options.MaxUnanchoredAge is { } age && walk.FirstUnanchoredAt is { } oldest && _timeProvider.GetUtcNow() - oldest > age)
        {
            var from = verdict.AnchoredThroughSeq + 1;
            return verdict with
            {
                IsIntact = false,
                IsUnanchored = true,
                FirstBrokenSeq = from,
                Problem = $"rows {from}–{verdict.Length} are not covered by a checked anchor, and row {from} was written at {oldest:u}, " +
                    $"more than {age} ago; a rewrite of them would go unnoticed (sign an anchor)",
            };
        }

        return verdict;
    }

    /// <summary>
    /// Reads how far the stored anchors cover the log: two index lookups, cheap enough for a readiness check. Nothing is
    /// verified: a stale coverage says an anchor is overdue, <see cref="VerifyAsync"/> whether the log holds.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The coverage.</returns>
    public async Task<AuditAnchorCoverage> ReadCoverageAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT a.seq, a.signed_at, (SELECT l.occurred_at FROM audit_log l WHERE l.seq > coalesce(a.seq, 0) ORDER BY l.seq LIMIT 1) " +
            "FROM (SELECT max(seq) AS seq, max(signed_at) AS signed_at FROM audit_anchors) a");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new AuditAnchorCoverage(
            reader.IsDBNull(0) ? 0 : reader.GetInt64(0),
            reader.IsDBNull(1) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(1), TimeSpan.Zero),
            reader.IsDBNull(2) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(2), TimeSpan.Zero));
    }

    /// <summary>
    /// Checks the rows after <paramref name="afterSeq"/>, starting from its hash, the anchors among them (signatures only
    /// with a key) and the chain head the database records.
    /// </summary>
    private static async Task<(AuditVerification Verdict, DateTimeOffset? FirstUnanchoredAt)> WalkAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long afterSeq, byte[] head, List<AuditAnchor> anchors, AnchorKeys? keys, CancellationToken cancellationToken)
    {
        var recordedHead = await ReadChainHeadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (recordedHead is null)
        {
            return (Broken(afterSeq, head, 0, afterSeq + 1, "the chain head (audit_chain_head) is missing"), null);
        }

        var nextAnchor = 0;
        while (nextAnchor < anchors.Count && anchors[nextAnchor].Seq <= afterSeq)
        {
            nextAnchor++;
        }

        var redactions = new RedactionCheck();
        var length = afterSeq;
        var anchoredThrough = afterSeq;
        var unverifiable = 0;
        DateTimeOffset? firstUnanchoredAt = null;
        await using var command = new NpgsqlCommand(
            "SELECT seq, occurred_at, actor, action, resource, before::text, after::text, ip, prev_hash, hash, encoding, content_salt, before_digest, after_digest, redacted_at " +
            "FROM audit_log WHERE seq > $1 ORDER BY seq",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSeq });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var seq = reader.GetInt64(0);
            if (seq != length + 1)
            {
                return (Broken(length, head, nextAnchor, length + 1, $"row {length + 1} is missing (next row found is {seq})"), null);
            }

            var prevHash = reader.GetFieldValue<byte[]>(8);
            if (!prevHash.AsSpan().SequenceEqual(head))
            {
                return (Broken(length, head, nextAnchor, seq, "its previous-hash link does not match the hash of the row before it"), null);
            }

            var occurredAt = reader.GetFieldValue<DateTime>(1);
            var ip = reader.IsDBNull(7) ? null : reader.GetFieldValue<IPAddress>(7);
            byte[] computed;
            if (reader.GetInt16(10) == 2)
            {
                var (before, after, contentProblem) = ContentDigests(reader);
                if (contentProblem is not null)
                {
                    return (Broken(length, head, nextAnchor, seq, contentProblem), null);
                }

                computed = AuditChainHasher.ComputeRedactable(head, seq, occurredAt, reader.GetString(2), reader.GetString(3), reader.GetString(4), before, after, ip);
            }
            else
            {
                computed = AuditChainHasher.Compute(
                    head,
                    seq,
                    occurredAt,
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    ip);
            }

            if (!computed.AsSpan().SequenceEqual(reader.GetFieldValue<byte[]>(9)))
            {
                return (Broken(length, head, nextAnchor, seq, "its stored hash does not match its contents (the row was changed)"), null);
            }

            if (redactions.Observe(seq, reader.GetString(3), reader.GetString(4), !reader.IsDBNull(14)) is { } redaction)
            {
                return (Broken(length, head, nextAnchor, seq, redaction), null);
            }

            head = computed;
            length = seq;
            firstUnanchoredAt ??= new DateTimeOffset(occurredAt, TimeSpan.Zero);
            while (nextAnchor < anchors.Count && anchors[nextAnchor].Seq == seq)
            {
                var problem = CheckAnchor(anchors[nextAnchor], head, keys, out var verified);
                if (problem is not null)
                {
                    var lastGood = anchoredThrough;
                    return (Broken(length, head, nextAnchor, seq, lastGood < seq - 1 ? $"{problem}; the change lies in rows {lastGood + 1}–{seq}" : problem), null);
                }

                nextAnchor++;
                if (!verified)
                {
                    unverifiable++; // its head matches, but without a checked signature it covers nothing
                    continue;
                }

                anchoredThrough = seq;
                firstUnanchoredAt = null;
            }
        }

        await reader.DisposeAsync().ConfigureAwait(false);
        if (await redactions.FindUnerasedAsync(connection, transaction, cancellationToken).ConfigureAwait(false) is { } unerased)
        {
            return (Broken(length, head, nextAnchor, unerased.Seq, unerased.Problem), null);
        }

        if (nextAnchor < anchors.Count)
        {
            var missing = anchors[nextAnchor];
            return (Broken(length, head, nextAnchor, missing.Seq, $"an anchor signed row {missing.Seq} but the log ends at row {length} (rows were removed)"), null);
        }

        // Rows and head are read in one snapshot, and every append moves the head in its own transaction: they agree.
        var (headSeq, headHash) = recordedHead.Value;
        if (headSeq > length)
        {
            return (Broken(length, head, nextAnchor, length + 1, $"the chain head records row {headSeq} but the log ends at row {length} (the newest rows were removed)"), null);
        }

        if (headSeq < length || !headHash.AsSpan().SequenceEqual(head))
        {
            return (Broken(length, head, nextAnchor, Math.Min(headSeq + 1, length), $"the chain head records row {headSeq} with another hash than the log's (the head or the rows were rewritten)"), null);
        }

        return (new AuditVerification(true, length, head, nextAnchor, null, null) { AnchoredThroughSeq = anchoredThrough, UnverifiableAnchors = unverifiable }, firstUnanchoredAt);
    }

    /// <summary>Verifies the rows after the latest anchor when that anchor still holds, else the whole chain.</summary>
    private async Task<AuditVerification> VerifySinceLastAnchorAsync(IAuditSigningKeyProvider keyProvider, CancellationToken cancellationToken)
    {
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false))
        {
            var anchors = await ReadAnchorsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            if (anchors.Count > 0 && await ReadRowHashAsync(connection, transaction, anchors[^1].Seq, cancellationToken).ConfigureAwait(false) is { } rowHash)
            {
                using var keys = new AnchorKeys(keyProvider, []);
                if (CheckAnchor(anchors[^1], rowHash, keys, out var verified) is null && verified)
                {
                    var since = await WalkAsync(connection, transaction, anchors[^1].Seq, rowHash, [], null, cancellationToken).ConfigureAwait(false);
                    return since.Verdict with { AnchorsChecked = 1, SignaturesChecked = true };
                }
            }
        }

        // Anchors of other keys, or junk rows, neither break nor block the signing of an intact chain (AnchorKeys).
        return await VerifyWithAsync(new AuditVerifyOptions { Key = keyProvider }, skipBadSignatures: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Why <paramref name="anchor"/> does not hold for the recomputed head (signature checked only with keys), or null;
    /// <paramref name="verified"/> says whether it counts as covering the chain (without keys, a matching head does).
    /// </summary>
    private static string? CheckAnchor(AuditAnchor anchor, byte[] recomputedHead, AnchorKeys? keys, out bool verified)
    {
        verified = true;
        if (keys is not null)
        {
            (var problem, verified) = keys.Check(anchor);
            if (problem is not null)
            {
                return problem;
            }
        }

        if (!anchor.HeadHash.Span.SequenceEqual(recomputedHead))
        {
            return $"the signed anchor at row {anchor.Seq} does not match the recomputed chain (the log was rewritten up to this row)";
        }

        return null;
    }

    /// <summary>Why an anchor of the journal does not hold (bad signature, absent from or different in the database), or null.</summary>
    private static string? CheckJournalAnchor(AuditAnchor copy, List<AuditAnchor> stored, AnchorKeys? keys, string path)
    {
        if (keys?.Check(copy).Problem is { } bad)
        {
            return $"in the anchor journal {path}: {bad}";
        }

        var found = false;
        foreach (var anchor in stored)
        {
            if (anchor.Seq != copy.Seq)
            {
                continue;
            }

            found = true;
            if (anchor.HeadHash.Span.SequenceEqual(copy.HeadHash.Span) && anchor.Signature.Span.SequenceEqual(copy.Signature.Span))
            {
                return null;
            }
        }

        return found
            ? $"the anchor at row {copy.Seq} differs between the journal {path} and audit_anchors (one of them was altered)"
            : $"the anchor at row {copy.Seq} in the journal {path} is missing from audit_anchors (anchors were deleted)";
    }

    private static AuditVerification Broken(long length, byte[] head, int anchorsChecked, long seq, string problem) =>
        new(false, length, head, anchorsChecked, seq, problem);

    private static async Task<List<AuditAnchor>> ReadAnchorsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var anchors = new List<AuditAnchor>();
        await using var command = new NpgsqlCommand("SELECT seq, head_hash, signed_at, key_id, signature FROM audit_anchors ORDER BY seq, anchor_id", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            anchors.Add(ReadAnchor(reader));
        }

        return anchors;
    }

    private async Task<AuditAnchor> ReadAnchorAtAsync(long seq, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT seq, head_hash, signed_at, key_id, signature FROM audit_anchors WHERE seq = $1 ORDER BY anchor_id LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = seq });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? ReadAnchor(reader)
            : throw new InvalidOperationException($"The anchor at row {seq} was not found after its insert was skipped as a duplicate.");
    }

    private static AuditAnchor ReadAnchor(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetFieldValue<byte[]>(1),
        new DateTimeOffset(reader.GetFieldValue<DateTime>(2)),
        reader.GetString(3),
        reader.GetFieldValue<byte[]>(4));

    private static async Task<(long Seq, byte[] Hash)?> ReadChainHeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT seq, hash FROM audit_chain_head WHERE id = 1", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)) : null;
    }

    private static async Task<byte[]?> ReadRowHashAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long seq, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT hash FROM audit_log WHERE seq = $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = seq });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    /// <summary>
    /// An encoding-2 row's content digests as its hash covers them: recomputed from before and after where they are
    /// present, so that a changed content breaks the row's hash; the stored ones only where a redaction removed the content.
    /// </summary>
    private static (byte[]? Before, byte[]? After, string? Problem) ContentDigests(NpgsqlDataReader reader)
    {
        var salt = reader.IsDBNull(11) ? null : reader.GetFieldValue<byte[]>(11);
        var redacted = !reader.IsDBNull(14);
        var (before, beforeProblem) = ContentDigest(reader, 5, 12, salt, redacted, "before");
        var (after, afterProblem) = ContentDigest(reader, 6, 13, salt, redacted, "after");
        return (before, after, beforeProblem ?? afterProblem);
    }

    private static (byte[]? Digest, string? Problem) ContentDigest(NpgsqlDataReader reader, int content, int digest, byte[]? salt, bool redacted, string field)
    {
        if (!reader.IsDBNull(content))
        {
            return salt is null
                ? (null, $"its {field} is present but the salt its digest needs is missing (the row was changed)")
                : (AuditChainHasher.ContentDigest(salt, reader.GetString(content)), null);
        }

        var stored = reader.IsDBNull(digest) ? null : reader.GetFieldValue<byte[]>(digest);
        return stored is not null && !redacted
            ? (null, $"its {field} was removed without a redaction on record (the row was changed)")
            : (stored, null);
    }
}
