-- Experiments changed at run time (PUT /api/v1/experiments/{name}), and the indexes of the admin reads.
-- Each index names the query it serves.

-- ExperimentStore: one row per experiment, the definition as ExperimentJson writes it (explicit bucket ranges,
-- so a reload assigns every driver exactly as before). Loaded at host start-up; written with its audit row.
CREATE TABLE experiments (
    name        text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9._-]{1,100}$'),
    definition  jsonb NOT NULL,
    updated_at  timestamptz NOT NULL,
    updated_by  text NOT NULL CHECK (length(updated_by) BETWEEN 1 AND 200)
);

-- ExperimentMetricsQuery: scores of one experiment in [from, to). Partial: scores outside experiments (most of
-- them) are not indexed, so the index costs nothing on their insert.
CREATE INDEX risk_scores_experiment_time_idx ON risk_scores (experiment, scored_at) WHERE experiment IS NOT NULL;

-- DashboardQueries summary and trip activity: trips of every driver started in [from, to). The trips key leads
-- with driver_id and cannot serve a time range over all drivers; INCLUDE makes the km sum an index-only scan.
CREATE INDEX trips_started_at_idx ON trips (started_at) INCLUDE (distance_km);

-- AuditReader: rows of one action newest first (GET /admin/audit?action=model.promote). Actor and time filters
-- ride on the primary key read backwards; resource has audit_log_resource_idx.
CREATE INDEX audit_log_action_idx ON audit_log (action, seq DESC);
