-- Indexes for every foreign key and every documented audit filter, one anchor per chain position, and a comment on
-- every table and non-obvious column (Schema/ForeignKeyIndexTests and Schema/SchemaCommentTests keep it so).
-- Live database: the indexes are built in this migration's transaction, which blocks writes (not reads) to trips,
-- premiums and audit_log while they build (about a second per million rows on the reference machine); lock_timeout
-- makes the migration fail and roll back, to be re-run, rather than queue every writer behind a long transaction.
SET LOCAL lock_timeout = '5s';

-- Deleting a vehicle sets trips.vehicle_id to NULL: without this index each delete scans every trip.
CREATE INDEX trips_vehicle_idx ON trips (vehicle_id);
-- Deleting a score (its driver's erasure cascades to it) sets premiums.score_id to NULL: same scan without it.
CREATE INDEX premiums_score_idx ON premiums (score_id);
-- AuditReader: an actor filter pages newest first; time filters narrow by occurred_at.
CREATE INDEX audit_log_actor_idx ON audit_log (actor, seq DESC);
CREATE INDEX audit_log_occurred_at_idx ON audit_log (occurred_at);

-- One anchor per chain position. Anchors made twice at the same head sign the same bytes; the later copies carry
-- nothing the first does not, and are removed. Two anchors of one position with different heads mean the log was
-- rewritten between them: the migration then stops, leaving both for `telematics audit verify` to explain.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM audit_anchors GROUP BY seq HAVING count(DISTINCT head_hash) > 1) THEN
        RAISE EXCEPTION 'audit_anchors holds anchors of one chain position with different heads: the audit log was rewritten; run telematics audit verify before this migration';
    END IF;
END
$$;
ALTER TABLE audit_anchors DISABLE TRIGGER audit_anchors_no_update_delete;
DELETE FROM audit_anchors a USING audit_anchors b WHERE a.seq = b.seq AND a.anchor_id > b.anchor_id;
ALTER TABLE audit_anchors ENABLE TRIGGER audit_anchors_no_update_delete;
DROP INDEX audit_anchors_seq_idx;
ALTER TABLE audit_anchors ADD CONSTRAINT audit_anchors_seq_key UNIQUE (seq);

COMMENT ON TABLE drivers IS 'Insured drivers; written by DriverRepository (each change audited).';
COMMENT ON COLUMN drivers.external_ref IS 'The insurer''s own identifier of the driver (policy system key), unique.';
COMMENT ON COLUMN drivers.region IS 'Pricing region code of the driver; NULL = the plan''s default base rate.';
COMMENT ON COLUMN drivers.time_zone IS 'IANA time zone used for night-driving features; NULL = the host''s default zone.';
COMMENT ON TABLE vehicles IS 'Vehicles of a driver; deleted with the driver.';
COMMENT ON COLUMN vehicles.vin IS 'ISO 3779 vehicle identification number (17 characters, no I/O/Q), optional.';
COMMENT ON TABLE trips IS 'Closed trips with their 29 features and mergeable state; written by ingest (EventIngestSession, TripRepository), one per (driver, start).';
COMMENT ON COLUMN trips.distance_km IS 'Trip length in kilometres along the cleaned samples.';
COMMENT ON COLUMN trips.features IS 'The 29 trip features of feature_schema/feature_version, in schema order.';
COMMENT ON COLUMN trips.state IS 'DriverAggregate state (format TFA v1: additive totals and fixed-bin histograms) that drivers'' vectors are combined from; NULL until TripStateBackfill rebuilds a trip stored before migration 0009.';
COMMENT ON TABLE telematics_events IS 'Raw samples, range-partitioned by UTC month (PartitionManager), DEFAULT for months without partition; written by binary COPY in EventIngestor.';
COMMENT ON COLUMN telematics_events.event_id IS 'Device-assigned event id; (driver_id, ts, event_id) is the idempotency key of ingest.';
COMMENT ON COLUMN telematics_events.speed_mps IS 'GPS speed, metres per second; NULL when the device did not report it.';
COMMENT ON COLUMN telematics_events.heading_deg IS 'Course over ground, degrees clockwise from north; NULL when unknown.';
COMMENT ON COLUMN telematics_events.long_accel_mps2 IS 'Longitudinal acceleration, m/s², positive forward; NULL when unknown.';
COMMENT ON COLUMN telematics_events.lat_accel_mps2 IS 'Lateral acceleration, m/s², positive to the left; NULL when unknown.';
COMMENT ON COLUMN telematics_events.gps_accuracy_m IS 'Horizontal GPS accuracy radius, metres; NULL when unknown.';
COMMENT ON COLUMN telematics_events.speed_limit_mps IS 'Posted speed limit at the position, m/s; NULL when unknown.';
COMMENT ON COLUMN telematics_events.road_class IS 'Telematics.Features RoadClass value (0 = unknown).';
COMMENT ON COLUMN telematics_events.flags IS 'Telematics.Features SampleFlags bits (phone use and the like).';
COMMENT ON TABLE risk_scores IS 'Scores of a driver over a period, with model, experiment variant, features and contributions; written by StoredDriverScorer and ScoringRunner.';
COMMENT ON COLUMN risk_scores.score IS 'Risk score 0–100, higher is riskier.';
COMMENT ON COLUMN risk_scores.category IS 'Risk category 0 (very low) to 4 (very high).';
COMMENT ON COLUMN risk_scores.raw_output IS 'The model''s output before it was mapped to the 0–100 score.';
COMMENT ON COLUMN risk_scores.contributions IS 'Per-feature contribution to the score, in feature schema order.';
COMMENT ON TABLE premiums IS 'Priced premiums of a driver, each from a score (score_id NULL once that score is gone); written with their score or by RepriceLatestAsync.';
COMMENT ON COLUMN premiums.breakdown IS 'PremiumBreakdownJson: base rate, factors and discounts as priced; json (not jsonb) because it is only read back whole.';
COMMENT ON TABLE scoring_runs IS 'Resumable batch scoring runs; ScoringRunRepository advances last_driver_id in each chunk''s transaction.';
COMMENT ON COLUMN scoring_runs.last_driver_id IS 'Highest driver id of the last committed chunk: a resumed run starts after it.';
COMMENT ON TABLE experiments IS 'A/B experiment definitions (ExperimentJson) by name; written by ExperimentStore with an audit row.';
COMMENT ON TABLE shadow_scores IS 'Scores of an experiment''s shadow variants beside the served score (score_id), never served; written by ShadowScoreWriter.';
COMMENT ON TABLE audit_log IS 'Append-only, hash-chained audit log of every mutation; appended by AuditWriter in the mutation''s transaction, hashed by trigger (encoding in 0003_audit_log.sql).';
COMMENT ON COLUMN audit_log.seq IS 'Position in the chain, 1, 2, 3… without gaps (assigned under the chain-head row lock).';
COMMENT ON COLUMN audit_log.prev_hash IS 'hash of the row before (32 zero bytes for the first).';
COMMENT ON COLUMN audit_log.hash IS 'SHA-256 of prev_hash and the canonical encoding of this row''s fields.';
COMMENT ON TABLE audit_chain_head IS 'The single row (id 1) holding the last seq and hash; appends lock it, which serialises the chain.';
COMMENT ON TABLE audit_anchors IS 'Signed chain heads (ECDSA P-256, key outside the database), one per chain position; written by AuditLog.AnchorAsync.';
COMMENT ON COLUMN audit_anchors.seq IS 'Chain length (the seq of the head row) when the head was signed.';
COMMENT ON COLUMN audit_anchors.signature IS 'ECDSA P-256 signature (IEEE P1363) of the anchor payload (seq and head hash).';
COMMENT ON TABLE schema_migrations IS 'Applied migrations with the SHA-256 of their embedded SQL; written by MigrationRunner.';
