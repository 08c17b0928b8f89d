-- Appending n audit rows in one transaction took O(n²): every row read and updated the single audit_chain_head row,
-- and the versions one transaction leaves behind cannot be pruned before it ends, so each read walked all of them
-- (4,000 rows 0.6 s, 8,000 rows 2.3 s). Now only a transaction's first append reads the head (FOR UPDATE, which still
-- serialises appends across transactions until commit); the running head is carried in transaction-local settings,
-- and a deferred trigger writes it to audit_chain_head once, at commit. The hashes are computed exactly as before.
-- Savepoints stay right: a rolled-back savepoint reverts the settings with the rows.
-- Replacing a function and adding a trigger takes a brief lock on audit_log only: safe on a live database.
SET LOCAL lock_timeout = '5s';

CREATE OR REPLACE FUNCTION audit_log_append() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    carried   text := current_setting('telematics.audit_head_seq', true);
    head_seq  bigint;
    head_hash bytea;
BEGIN
    IF carried IS NULL OR carried = '' THEN
        SELECT seq, hash INTO head_seq, head_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE;
    ELSE
        head_seq := carried::bigint;
        head_hash := decode(current_setting('telematics.audit_head_hash'), 'hex');
    END IF;
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
    PERFORM set_config('telematics.audit_head_seq', NEW.seq::text, true);
    PERFORM set_config('telematics.audit_head_hash', encode(NEW.hash, 'hex'), true);
    PERFORM set_config('telematics.audit_head_written', '', true);
    RETURN NEW;
END
$$;

-- Fires once per row at commit; only the first firing after the last append writes (the others find it written).
CREATE FUNCTION audit_log_write_head() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('telematics.audit_head_written', true), '') = '' THEN
        UPDATE audit_chain_head
        SET seq = current_setting('telematics.audit_head_seq')::bigint,
            hash = decode(current_setting('telematics.audit_head_hash'), 'hex')
        WHERE id = 1;
        PERFORM set_config('telematics.audit_head_written', 'yes', true);
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER audit_log_write_head AFTER INSERT ON audit_log
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION audit_log_write_head();

COMMENT ON FUNCTION audit_log_append() IS 'Chains each new audit_log row: seq, prev_hash and hash from the transaction''s running head (read FOR UPDATE from audit_chain_head on its first append).';
COMMENT ON FUNCTION audit_log_write_head() IS 'Deferred to commit: stores the transaction''s running audit head in audit_chain_head once.';
