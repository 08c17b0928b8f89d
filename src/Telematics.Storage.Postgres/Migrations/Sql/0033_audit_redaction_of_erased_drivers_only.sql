-- A redaction only of an erased driver's rows. 0030 let an UPDATE blank any encoding-2 row whatever its resource, and
-- audit_log_redact_driver only checked that the drivers row was gone, which the application role may delete itself. Now
-- the row's resource must be driver/N or driver/N/..., a driver.delete row for driver/N must be in the log (an erasure
-- appends it before it redacts, in the same transaction), and the driver.delete row itself keeps its content: it is the
-- record of the erasure.
SET LOCAL lock_timeout = '5s';

-- As 0030, plus the resource and erasure conditions.
CREATE OR REPLACE FUNCTION audit_log_refuse_all_but_redaction() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    own text := substring(OLD.resource FROM '^(driver/[0-9]+)(/|$)');
BEGIN
    IF OLD.encoding = 2 AND OLD.redacted_at IS NULL
       AND NEW.before IS NULL AND NEW.after IS NULL AND NEW.content_salt IS NULL AND NEW.redacted_at IS NOT NULL
       AND (NEW.seq, NEW.occurred_at, NEW.actor, NEW.action, NEW.resource, NEW.ip, NEW.prev_hash, NEW.hash, NEW.encoding, NEW.before_digest, NEW.after_digest)
           IS NOT DISTINCT FROM
           (OLD.seq, OLD.occurred_at, OLD.actor, OLD.action, OLD.resource, OLD.ip, OLD.prev_hash, OLD.hash, OLD.encoding, OLD.before_digest, OLD.after_digest)
       AND own IS NOT NULL AND OLD.action <> 'driver.delete'
       AND EXISTS (SELECT 1 FROM audit_log WHERE resource = own AND action = 'driver.delete') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: an UPDATE may only remove a row''s content (before, after) once, in a redaction of an erased driver''s row'
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- As 0030, but refused unless the erasure is on record, and never of the driver.delete row.
CREATE OR REPLACE FUNCTION audit_log_redact_driver(driver bigint, OUT redacted bigint, OUT kept bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    own text := 'driver/' || driver;
BEGIN
    IF driver IS NULL OR EXISTS (SELECT 1 FROM drivers WHERE driver_id = driver)
       OR NOT EXISTS (SELECT 1 FROM audit_log WHERE resource = own AND action = 'driver.delete') THEN
        RAISE EXCEPTION 'audit_log_redact_driver: driver % is not erased (its row remains, or no driver.delete audit row records its erasure); only an erased driver''s audit rows are redacted', driver
            USING ERRCODE = '55000';
    END IF;
    UPDATE audit_log SET before = NULL, after = NULL, content_salt = NULL, redacted_at = now()
    WHERE (resource = own OR resource LIKE own || '/%') AND encoding = 2 AND redacted_at IS NULL
      AND (before IS NOT NULL OR after IS NOT NULL) AND action <> 'driver.delete';
    GET DIAGNOSTICS redacted = ROW_COUNT;
    SELECT count(*) INTO kept FROM audit_log
    WHERE (resource = own OR resource LIKE own || '/%') AND encoding = 1 AND (before IS NOT NULL OR after IS NOT NULL);
END
$$;

COMMENT ON FUNCTION audit_log_redact_driver(bigint) IS 'Removes before, after and the salt of an erased driver''s encoding-2 audit rows (its driver.delete row on record, and kept); counts the encoding-1 rows that keep theirs.';
