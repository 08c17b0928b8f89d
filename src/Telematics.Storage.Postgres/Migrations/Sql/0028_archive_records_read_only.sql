-- partition_archives is what a restore trusts (a file's SHA-256, row count and content hash) and what an erasure lists
-- for review, yet 0015 let the application role change and delete its rows like any data table: a compromised host
-- could hide an archive from erasure review or re-record a forged file. Only maintenance archives and restores (the CLI
-- as the maintenance role, a member of the owner), so the application role keeps SELECT alone. telematics_grant_roles()
-- is replaced with that rule, and the rows' grants are taken back now from whoever was granted them (the owner and its
-- members keep theirs through ownership).
SET LOCAL lock_timeout = '5s';

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

DO $$
DECLARE
    grantee_name text;
BEGIN
    FOR grantee_name IN
        SELECT DISTINCT grantee FROM information_schema.role_table_grants
        WHERE table_schema = current_schema() AND table_name = 'partition_archives'
          AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') AND grantee <> current_user
    LOOP
        EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON partition_archives FROM %I', grantee_name);
    END LOOP;
END
$$;
