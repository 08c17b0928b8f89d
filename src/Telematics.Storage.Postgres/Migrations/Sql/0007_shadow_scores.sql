-- Shadow scores (DESIGN §4: shadow variants are scored and recorded, never served). StoredDriverScorer writes one
-- row per shadow variant that scored a driver, in the same transaction as the served risk_scores row it stands
-- beside. The /risk reads only ever read risk_scores, so a shadow score can never be served.

CREATE TABLE shadow_scores (
    -- The served score this shadow was scored with; its row goes when the served one goes (and that one with its driver).
    score_id         bigint NOT NULL REFERENCES risk_scores (score_id) ON DELETE CASCADE,
    variant          text NOT NULL,
    -- Copied from the served row, so that a shadow row reads on its own.
    driver_id        bigint NOT NULL,
    scored_at        timestamptz NOT NULL,
    period_start     timestamptz NOT NULL,
    period_end       timestamptz NOT NULL CHECK (period_end >= period_start),
    experiment       text NOT NULL,
    model_name       text NOT NULL,
    model_version    text NOT NULL,
    score            double precision NOT NULL CHECK (score >= 0 AND score <= 100),
    category         smallint NOT NULL CHECK (category BETWEEN 0 AND 4),
    raw_output       double precision NOT NULL,
    -- The key leads with score_id: ShadowMetricsQuery joins each driver's latest served score of an experiment (found
    -- through risk_scores_experiment_time_idx) to its shadows by this key, and the cascade from risk_scores deletes
    -- through it. No other index: every read starts from the served score.
    PRIMARY KEY (score_id, variant)
);
