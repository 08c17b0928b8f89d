-- Stored-driver scoring (StoredDriverScorer) and resumable batch runs (ScoringRunRepository).

-- The pricing region of a driver: a code of the pricing plan's base-rate table (e.g. 'FR-75'). NULL means the
-- plan's default base rate; that is the documented default for drivers registered without one.
ALTER TABLE drivers ADD COLUMN region text CHECK (region IS NULL OR region ~ '^[A-Z]{2}(-[A-Z0-9]{1,3})?$');

-- What a breakdown compares a driver with: the model's reference score and, per schema feature, the reference
-- value the contribution was measured against (NaN for a feature the model does not use). NULL on rows stored
-- before this migration.
ALTER TABLE risk_scores
    ADD COLUMN reference_score double precision,
    ADD COLUMN reference real[] CHECK (reference IS NULL OR array_ndims(reference) = 1);

-- One row per `telematics batch-score` run: its period and selection, and how far it got. Each committed chunk
-- advances last_driver_id in the same transaction as the chunk's scores and premiums, so a resumed run starts
-- exactly after the last committed chunk.
CREATE TABLE scoring_runs (
    run_id           text PRIMARY KEY CHECK (run_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$'),
    selection        text NOT NULL,
    period_start     timestamptz NOT NULL,
    period_end       timestamptz NOT NULL CHECK (period_end > period_start),
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz,
    status           text NOT NULL CHECK (status IN ('running', 'finished')),
    last_driver_id   bigint NOT NULL DEFAULT 0,
    chunks_done      integer NOT NULL DEFAULT 0,
    drivers_scored   integer NOT NULL DEFAULT 0,
    drivers_failed   integer NOT NULL DEFAULT 0
);
