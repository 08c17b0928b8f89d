-- The audit chain no longer trusts session settings. Since 0013 a transaction's running head travelled in
-- telematics.audit_head_seq/_hash, which any role may set: the application role could append one row, set the head to
-- (1, zeros) and commit, and the deferred writer (running as the owner) stored that head, so every later append
-- computed a seq that exists and failed. Now every append locks the head row (locking it again is free); a transaction's
-- first append chains from the newest row past the stored head, and a later one from the carried head only once it is
-- checked to be a row of the chain at or past the stored head (one primary-key probe); the writer stores the newest row
-- at commit, never the settings. A forged carried head can then only make its own transaction's next row collide. An
-- anchor must also sign a head the chain has: the application role could insert an anchor for a position not yet
-- reached, which UNIQUE(seq) and the no-delete trigger then made permanent and every later verification failed on.
SET LOCAL lock_timeout = '5s';

CREATE OR REPLACE FUNCTION audit_log_append() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    carried   text := current_setting('telematics.audit_head_seq', true);
    head_seq  bigint;
    head_hash bytea;
    last_seq  bigint;
    last_hash bytea;
BEGIN
    SELECT seq, hash INTO head_seq, head_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE;
    IF carried IS NULL OR carried = '' THEN
        -- Past the stored head: rows of a transaction that committed without writing its head.
        SELECT seq, hash INTO last_seq, last_hash FROM audit_log WHERE seq > head_seq ORDER BY seq DESC LIMIT 1;
    ELSE
        last_seq := carried::bigint;
        last_hash := decode(current_setting('telematics.audit_head_hash', true), 'hex');
        IF last_seq < head_seq OR NOT EXISTS (SELECT 1 FROM audit_log WHERE seq = last_seq AND hash = last_hash) THEN
            RAISE EXCEPTION 'audit_log: the running head in this transaction''s settings (%) is not a row of the chain', carried
                USING ERRCODE = '55000';
        END IF;
    END IF;
    IF last_seq IS NOT NULL THEN
        head_seq := last_seq;
        head_hash := last_hash;
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
    -- Only spares the writer's later firings an UPDATE; a role that sets it early leaves the head to the next commit.
    PERFORM set_config('telematics.audit_head_written', '', true);
    RETURN NEW;
END
$$;

-- Fires once per row at commit; stores the newest row as the head (never an older one), whatever the settings say.
CREATE OR REPLACE FUNCTION audit_log_write_head() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    IF coalesce(current_setting('telematics.audit_head_written', true), '') = '' THEN
        UPDATE audit_chain_head h
        SET seq = l.seq, hash = l.hash
        FROM (SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1) l
        WHERE h.id = 1 AND h.seq < l.seq;
        PERFORM set_config('telematics.audit_head_written', 'yes', true);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION audit_anchor_check_head() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq AND hash = NEW.head_hash)
       AND NOT (NEW.seq = 0 AND NEW.head_hash = decode(repeat('00', 32), 'hex')) THEN
        RAISE EXCEPTION 'audit_anchors: position % with that head hash is not in audit_log; an anchor signs a head the chain has', NEW.seq
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_anchors_check_head BEFORE INSERT ON audit_anchors
    FOR EACH ROW EXECUTE FUNCTION audit_anchor_check_head();

COMMENT ON FUNCTION audit_log_append() IS 'Chains each new audit_log row: from the newest row past audit_chain_head (locked FOR UPDATE until commit) on a transaction''s first append, then from the running head in transaction-local settings once checked against audit_log.';
COMMENT ON FUNCTION audit_log_write_head() IS 'Deferred to commit: stores the newest audit_log row as audit_chain_head.';
COMMENT ON FUNCTION audit_anchor_check_head() IS 'Refuses an anchor whose (seq, head_hash) is not a row of audit_log (or the empty chain).';
