-- Tamper-evident audit log. Rows are appended through the BEFORE INSERT trigger, which takes the row lock
-- on the single chain-head row: concurrent transactions append one after another and never fork the chain.
-- hash = sha256(prev_hash || canonical bytes of the row); the encoding (version 1) is binary and so does not
-- depend on DateStyle, TimeZone or any other session setting:
--   prev_hash (32 bytes) | seq (int8, big-endian) | occurred_at (int8 microseconds since 1970-01-01 UTC)
--   | actor | action | resource | before | after | ip
-- where each of the last six is int4 big-endian byte length followed by the bytes (-1 and no bytes when null):
-- UTF-8 text for actor, action, resource; UTF-8 of the jsonb text form for before/after; the 4 or 16
-- address bytes for ip. AuditVerifier recomputes exactly this in .NET.

CREATE TABLE audit_log (
    seq          bigint PRIMARY KEY,
    occurred_at  timestamptz NOT NULL,
    actor        text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
    action       text NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
    resource     text NOT NULL CHECK (length(resource) BETWEEN 1 AND 400),
    before       jsonb,
    after        jsonb,
    ip           inet CHECK (ip IS NULL OR masklen(ip) = CASE family(ip) WHEN 4 THEN 32 ELSE 128 END),
    prev_hash    bytea NOT NULL CHECK (length(prev_hash) = 32),
    hash         bytea NOT NULL CHECK (length(hash) = 32)
);
-- AuditLog.ReadAsync: rows of one resource, newest first.
CREATE INDEX audit_log_resource_idx ON audit_log (resource, seq DESC);

CREATE TABLE audit_chain_head (
    id    smallint PRIMARY KEY CHECK (id = 1),
    seq   bigint NOT NULL,
    hash  bytea NOT NULL
);
INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

CREATE FUNCTION audit_field(value bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN value IS NULL THEN int4send(-1) ELSE int4send(length(value)) || value END
$$;

CREATE FUNCTION audit_log_append() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    head_seq  bigint;
    head_hash bytea;
BEGIN
    SELECT seq, hash INTO head_seq, head_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE;
    NEW.seq := head_seq + 1;
    NEW.prev_hash := head_hash;
    NEW.hash := sha256(
        head_hash
        || int8send(NEW.seq)
        || int8send((extract(epoch FROM NEW.occurred_at) * 1000000)::bigint)
        || audit_field(convert_to(NEW.actor, 'UTF8'))
        || audit_field(convert_to(NEW.action, 'UTF8'))
        || audit_field(convert_to(NEW.resource, 'UTF8'))
        || audit_field(convert_to(NEW.before::text, 'UTF8'))
        || audit_field(convert_to(NEW.after::text, 'UTF8'))
        || audit_field(substring(inet_send(NEW.ip) FROM 5)));
    UPDATE audit_chain_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_log_append BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append();

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Signed chain heads. The signature (ECDSA P-256 over SHA-256, IEEE P1363 r||s) covers
-- "telematics-audit-anchor/v1" | seq (int8 big-endian) | head hash; the private key never reaches the database.
CREATE TABLE audit_anchors (
    anchor_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seq         bigint NOT NULL,
    head_hash   bytea NOT NULL CHECK (length(head_hash) = 32),
    signed_at   timestamptz NOT NULL,
    key_id      text NOT NULL,
    signature   bytea NOT NULL
);
-- AuditVerifier: anchors in chain order.
CREATE INDEX audit_anchors_seq_idx ON audit_anchors (seq);

CREATE TRIGGER audit_anchors_no_update_delete BEFORE UPDATE OR DELETE ON audit_anchors
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_anchors_no_truncate BEFORE TRUNCATE ON audit_anchors
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
