namespace Telematics.Testing;

/// <summary>What a superuser with the triggers off can do to the audit tables, as SQL.</summary>
public static class AuditTampering
{
    /// <summary>Sets row <paramref name="seq"/>'s actor and recomputes every row hash with the database's own function; the chain head too when <paramref name="head"/>.</summary>
    public static string RewriteConsistently(long seq, string actor, bool head = false) => WithTriggersOff($$"""
        UPDATE audit_log SET actor = '{{actor}}' WHERE seq = {{seq}};
        DO $$
        DECLARE r audit_log; prev bytea := decode(repeat('00', 32), 'hex');
        BEGIN
            FOR r IN SELECT * FROM audit_log ORDER BY seq LOOP
                UPDATE audit_log SET prev_hash = prev, hash = audit_log_row_hash(prev, r) WHERE seq = r.seq RETURNING hash INTO prev;
            END LOOP;
        END $$
        """) + (head ? HeadFromLog : string.Empty);

    /// <summary>Deletes every anchor.</summary>
    public static readonly string DeleteAnchors = WithTriggersOff("DELETE FROM audit_anchors", "audit_anchors");

    /// <summary>Deletes the rows after <paramref name="keep"/>; the chain head too when <paramref name="head"/>.</summary>
    public static string DeleteTail(long keep, bool head = false) =>
        WithTriggersOff($"DELETE FROM audit_log WHERE seq > {keep}") + (head ? HeadFromLog : string.Empty);

    /// <summary>
    /// Runs <paramref name="sql"/> with <paramref name="table"/>'s own triggers off (the append-only and redaction-only
    /// guards), as only a superuser can; the table's triggers are back on when the command ends.
    /// </summary>
    public static string WithTriggersOff(string sql, string table = "audit_log") =>
        $"ALTER TABLE {table} DISABLE TRIGGER USER; {sql}; ALTER TABLE {table} ENABLE TRIGGER USER; ";

    // Puts the chain head back on the newest remaining row, as a careful attacker would.
    private const string HeadFromLog =
        "UPDATE audit_chain_head SET (seq, hash) = (SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1) WHERE id = 1;";
}
