namespace Telematics.Testing;

/// <summary>What a superuser with the triggers off can do to the audit tables, as SQL.</summary>
public static class AuditTampering
{
    /// <summary>Sets row <paramref name="seq"/>'s actor and recomputes every row hash with the database's own function; the chain head too when <paramref name="head"/>.</summary>
    public static string RewriteConsistently(long seq, string actor, bool head = false) => $$"""
        ALTER TABLE audit_log DISABLE TRIGGER USER;
        UPDATE audit_log SET actor = '{{actor}}' WHERE seq = {{seq}};
        DO $$
        DECLARE r audit_log; prev bytea := decode(repeat('00', 32), 'hex');
        BEGIN
            FOR r IN SELECT * FROM audit_log ORDER BY seq LOOP
                UPDATE audit_log SET prev_hash = prev, hash = audit_log_row_hash(prev, r) WHERE seq = r.seq RETURNING hash INTO prev;
            END LOOP;
        END $$;
        ALTER TABLE audit_log ENABLE TRIGGER USER;
        {{(head ? HeadFromLog : string.Empty)}}
        """;

    /// <summary>Deletes every anchor.</summary>
    public const string DeleteAnchors = "ALTER TABLE audit_anchors DISABLE TRIGGER USER; DELETE FROM audit_anchors; ALTER TABLE audit_anchors ENABLE TRIGGER USER;";

    /// <summary>Deletes the rows after <paramref name="keep"/>; the chain head too when <paramref name="head"/>.</summary>
    public static string DeleteTail(long keep, bool head = false) =>
        $"ALTER TABLE audit_log DISABLE TRIGGER USER; DELETE FROM audit_log WHERE seq > {keep}; ALTER TABLE audit_log ENABLE TRIGGER USER; " +
        (head ? HeadFromLog : string.Empty);

    // Puts the chain head back on the newest remaining row, as a careful attacker would.
    private const string HeadFromLog =
        "UPDATE audit_chain_head SET (seq, hash) = (SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1) WHERE id = 1;";
}
