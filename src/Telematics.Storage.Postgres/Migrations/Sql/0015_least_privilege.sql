-- Least privilege. The schema is owned by the role that runs the migrations (the owner). The host and the CLI connect
-- as an application role that reads and writes data but changes no schema and only appends to the audit tables;
-- partition maintenance (detach, drop, archive) runs as a maintenance role that is a member of the owner, since
-- detaching a partition needs the parent table's ownership. telematics_grant_roles(app, maintenance) grants the rest;
-- run it as the owner after the migrations (scripts/pg.sh does). Nothing here changes what a superuser can do.
SET LOCAL lock_timeout = '5s';

-- An append moves the chain head as the owner: the application role needs no UPDATE on audit_chain_head, so it cannot
-- move the head itself. The running head in transaction-local settings is unaffected (only search_path is function-local).
ALTER FUNCTION audit_log_append() SECURITY DEFINER SET search_path FROM CURRENT;
ALTER FUNCTION audit_log_write_head() SECURITY DEFINER SET search_path FROM CURRENT;

-- The only DDL the application role may cause: a month's partition of telematics_events, for an ingest that reaches a
-- new month. Checked here, named here, created as the owner; rows of the month already in DEFAULT move into it.
CREATE FUNCTION telematics_create_month_partition(month_start date) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    name      text;
    low       timestamptz;
    high      timestamptz;
    moved     bigint;
BEGIN
    IF month_start IS NULL OR extract(day FROM month_start) <> 1 OR month_start < DATE '2000-01-01' OR month_start >= DATE '2200-01-01' THEN
        RAISE EXCEPTION 'telematics_create_month_partition: % is not the first day of a month in 2000–2199', month_start
            USING ERRCODE = '22023';
    END IF;

    name := 'telematics_events_' || to_char(month_start, 'YYYY_MM');
    IF to_regclass(quote_ident(name)) IS NOT NULL THEN
        RETURN -1;
    END IF;

    low := (month_start::timestamp AT TIME ZONE 'UTC');
    high := ((month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    EXECUTE format('CREATE TABLE %I (LIKE telematics_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (ts >= %L AND ts < %L)', name, name || '_range', low, high);
    EXECUTE format('WITH moved AS (DELETE FROM telematics_events_default WHERE ts >= $1 AND ts < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved', name)
        USING low, high;
    GET DIAGNOSTICS moved = ROW_COUNT;
    EXECUTE format('ALTER TABLE telematics_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, low, high);
    RETURN moved;
END
$$;
REVOKE EXECUTE ON FUNCTION telematics_create_month_partition(date) FROM PUBLIC;

-- Grants the application and maintenance roles what they need, and no more; idempotent, so it is safe to run again
-- after later migrations. Run it as the schema's owner.
CREATE FUNCTION telematics_grant_roles(app name, maintenance name) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    relation text;
    schema_name text := current_schema();
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', schema_name, app);
    -- Data: every table and partition but the audit tables and the migration history.
    FOR relation IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = schema_name AND c.relkind IN ('r', 'p')
          AND c.relname NOT IN ('audit_log', 'audit_anchors', 'audit_chain_head', 'schema_migrations')
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
    EXECUTE format('GRANT EXECUTE ON FUNCTION telematics_create_month_partition(date) TO %I', app);
    -- Maintenance detaches and drops partitions, which needs the parent's ownership, so it must be a member of the
    -- owner: a grant of role membership that whoever made the roles makes (GRANT owner TO maintenance). Checked here.
    IF NOT pg_has_role(maintenance, current_user, 'USAGE') THEN
        RAISE EXCEPTION 'telematics_grant_roles: % is not a member of the owner %; run GRANT % TO % as the role that made them',
            maintenance, current_user, current_user, maintenance USING ERRCODE = '42501';
    END IF;
END
$$;
REVOKE EXECUTE ON FUNCTION telematics_grant_roles(name, name) FROM PUBLIC;
