-- Audit rows whose content an erasure can remove. Until now a row's hash covered its before and after JSON themselves,
-- so the name and reference in an erased driver's driver.create and driver.update rows could not be removed without
-- breaking the chain. Rows appended from now on (encoding 2) chain salted digests of before and after instead:
--   before_digest = sha256(content_salt || UTF-8 of before's jsonb text), NULL when before is NULL; after_digest alike;
--   hash = sha256(prev_hash | 0x02 | seq | occurred_at | actor | action | resource | before_digest | after_digest | ip)
-- each field encoded as in 0003 (the 0x02 keeps an encoding-2 row from reading as one of encoding 1). A redaction
-- nulls before, after and the salt and keeps the digests: the chain still proves every other field, and without the
-- random salt the digests do not give away guessable content. Rows of encoding 1 (written before this migration) keep
-- their content: removing it would break the chain, so an erasure counts them instead.
SET LOCAL lock_timeout = '5s';

ALTER TABLE audit_log
    ADD COLUMN encoding      smallint NOT NULL DEFAULT 1 CHECK (encoding IN (1, 2)),
    ADD COLUMN content_salt  bytea CHECK (content_salt IS NULL OR length(content_salt) = 16),
    ADD COLUMN before_digest bytea CHECK (before_digest IS NULL OR length(before_digest) = 32),
    ADD COLUMN after_digest  bytea CHECK (after_digest IS NULL OR length(after_digest) = 32),
    ADD COLUMN redacted_at   timestamptz;

COMMENT ON COLUMN audit_log.encoding IS 'How hash covers the row: 1 = before/after themselves (0003), 2 = their salted digests (0030).';
COMMENT ON COLUMN audit_log.redacted_at IS 'When an erasure removed before, after and the salt (encoding 2 only); the digests remain in the chain.';

-- The row hash of either encoding, in one place: the append trigger and anyone recomputing the chain in SQL use it.
CREATE FUNCTION audit_log_row_hash(prev bytea, r audit_log) RETURNS bytea
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT sha256(
        prev
        || CASE r.encoding WHEN 2 THEN decode('02', 'hex') ELSE ''::bytea END
        || int8send(r.seq)
        || int8send((extract(epoch FROM r.occurred_at) * 1000000)::bigint)
        || audit_field(convert_to(r.actor, 'UTF8'))
        || audit_field(convert_to(r.action, 'UTF8'))
        || audit_field(convert_to(r.resource, 'UTF8'))
        || CASE r.encoding WHEN 2 THEN audit_field(r.before_digest) ELSE audit_field(convert_to(r.before::text, 'UTF8')) END
        || CASE r.encoding WHEN 2 THEN audit_field(r.after_digest) ELSE audit_field(convert_to(r.after::text, 'UTF8')) END
        || audit_field(substring(inet_send(r.ip) FROM 5)))
$$;

-- As 0029, but every new row is of encoding 2 whatever the inserting role supplied for the new columns.
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
    NEW.encoding := 2;
    -- 122 random bits of a version-4 UUID: built in, no extension needed.
    NEW.content_salt := uuid_send(gen_random_uuid());
    NEW.before_digest := CASE WHEN NEW.before IS NULL THEN NULL ELSE sha256(NEW.content_salt || convert_to(NEW.before::text, 'UTF8')) END;
    NEW.after_digest := CASE WHEN NEW.after IS NULL THEN NULL ELSE sha256(NEW.content_salt || convert_to(NEW.after::text, 'UTF8')) END;
    NEW.redacted_at := NULL;
    NEW.hash := audit_log_row_hash(head_hash, NEW);
    PERFORM set_config('telematics.audit_head_seq', NEW.seq::text, true);
    PERFORM set_config('telematics.audit_head_hash', encode(NEW.hash, 'hex'), true);
    -- Only spares the writer's later firings an UPDATE; a role that sets it early leaves the head to the next commit.
    PERFORM set_config('telematics.audit_head_written', '', true);
    RETURN NEW;
END
$$;

-- Still append-only, but for one change: an encoding-2 row's content removed, once, everything else as it was.
CREATE FUNCTION audit_log_refuse_all_but_redaction() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.encoding = 2 AND OLD.redacted_at IS NULL
       AND NEW.before IS NULL AND NEW.after IS NULL AND NEW.content_salt IS NULL AND NEW.redacted_at IS NOT NULL
       AND (NEW.seq, NEW.occurred_at, NEW.actor, NEW.action, NEW.resource, NEW.ip, NEW.prev_hash, NEW.hash, NEW.encoding, NEW.before_digest, NEW.after_digest)
           IS NOT DISTINCT FROM
           (OLD.seq, OLD.occurred_at, OLD.actor, OLD.action, OLD.resource, OLD.ip, OLD.prev_hash, OLD.hash, OLD.encoding, OLD.before_digest, OLD.after_digest) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: an UPDATE may only remove a row''s content (before, after) once, in a redaction'
        USING ERRCODE = 'insufficient_privilege';
END
$$;

DROP TRIGGER audit_log_no_update_delete ON audit_log;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_redaction_only BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_all_but_redaction();

-- The rows of one driver and of what hangs under it (driver/ID/score/N, driver/ID/premium, ...) by prefix, in any collation.
CREATE INDEX audit_log_resource_pattern_idx ON audit_log (resource text_pattern_ops);

-- Removes the content of an erased driver's audit rows (the application role erases, as itself, and may not UPDATE
-- audit_log): refused while the driver row exists, so it cannot blank the history of a driver still on the books.
CREATE FUNCTION audit_log_redact_driver(driver bigint, OUT redacted bigint, OUT kept bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    own text := 'driver/' || driver;
BEGIN
    IF driver IS NULL OR EXISTS (SELECT 1 FROM drivers WHERE driver_id = driver) THEN
        RAISE EXCEPTION 'audit_log_redact_driver: driver % is not erased; only an erased driver''s audit rows are redacted', driver
            USING ERRCODE = '55000';
    END IF;
    UPDATE audit_log SET before = NULL, after = NULL, content_salt = NULL, redacted_at = now()
    WHERE (resource = own OR resource LIKE own || '/%') AND encoding = 2 AND redacted_at IS NULL
      AND (before IS NOT NULL OR after IS NOT NULL);
    GET DIAGNOSTICS redacted = ROW_COUNT;
    SELECT count(*) INTO kept FROM audit_log
    WHERE (resource = own OR resource LIKE own || '/%') AND encoding = 1 AND (before IS NOT NULL OR after IS NOT NULL);
END
$$;
REVOKE EXECUTE ON FUNCTION audit_log_redact_driver(bigint) FROM PUBLIC;

COMMENT ON FUNCTION audit_log_row_hash(bytea, audit_log) IS 'The chain hash of an audit_log row after prev, in the row''s encoding (1: 0003, 2: 0030).';
COMMENT ON FUNCTION audit_log_redact_driver(bigint) IS 'Removes before, after and the salt of an erased driver''s encoding-2 audit rows; counts the encoding-1 rows that keep theirs.';

-- As 0028, and the application role may redact an erased driver's audit rows.
CREATE OR REPLACE FUNCTION telematics_grant_roles(app name, maintenance name) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    relation text;
    schema_name text := current_schema();
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', schema_name, app);
    -- Data: every table and partition but the audit tables, the archive records and the migration history.
    FOR relation IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = schema_name AND c.relkind IN ('r', 'p')
          AND c.relname NOT IN ('audit_log', 'audit_anchors', 'audit_chain_head', 'schema_migrations', 'partition_archives')
    LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO %I', relation, app);
    END LOOP;
    -- Partitions made later (by telematics_create_month_partition, as the owner) are granted as they are created.
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', schema_name, app);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', schema_name, app);
    -- Audit: read and append, nothing else (the append trigger moves the head as the owner).
    EXECUTE format('REVOKE ALL ON audit_log, audit_anchors, audit_chain_head, schema_migrations FROM %I', app);
    EXECUTE format('GRANT SELECT, INSERT ON audit_log, audit_anchors TO %I', app);
    EXECUTE format('GRANT SELECT ON audit_chain_head, schema_migrations TO %I', app);
    EXECUTE format('GRANT EXECUTE ON FUNCTION audit_log_redact_driver(bigint) TO %I', app);
    -- Archive records: read (an erasure lists the files to review), never written; archiving is maintenance's.
    EXECUTE format('REVOKE ALL ON partition_archives FROM %I', app);
    EXECUTE format('GRANT SELECT ON partition_archives TO %I', app);
    EXECUTE format('GRANT EXECUTE ON FUNCTION telematics_create_month_partition(date) TO %I', app);
    -- Maintenance detaches and drops partitions, which needs the parent's ownership, so it must be a member of the
    -- owner: a grant of role membership that whoever made the roles makes (GRANT owner TO maintenance). Checked here.
    IF NOT pg_has_role(maintenance, current_user, 'USAGE') THEN
        RAISE EXCEPTION 'telematics_grant_roles: % is not a member of the owner %; run GRANT % TO % as the role that made them',
            maintenance, current_user, current_user, maintenance USING ERRCODE = '42501';
    END IF;
END
$$;
