-- A shadow score keeps its 90 % interval as the served score does (0024), so an experiment can tell a challenger that
-- moves settled categories from one whose disagreements lie within a week's sampling noise (ShadowMetricsQuery).
-- Null when the shadow model records no sampling noise. Nullable columns: no rewrite, a brief lock.
SET LOCAL lock_timeout = '5s';

-- NOT VALID for the reason 0024 gives: every existing row has both ends null, which the check accepts.
ALTER TABLE shadow_scores
    ADD COLUMN score_low real,
    ADD COLUMN score_high real,
    ADD CONSTRAINT shadow_scores_interval_check CHECK (
        (score_low IS NULL AND score_high IS NULL)
        OR (score_low IS NOT NULL AND score_high IS NOT NULL AND score_low >= 0 AND score_low <= score_high AND score_high <= 100)) NOT VALID;

COMMENT ON COLUMN shadow_scores.score_low IS
    'Lower end (0–100) of the shadow model''s 90 % interval of the driver''s long-run score; null when it records no sampling noise.';
COMMENT ON COLUMN shadow_scores.score_high IS
    'Upper end (0–100, at or above score_low) of the shadow model''s 90 % interval; null exactly when score_low is.';
