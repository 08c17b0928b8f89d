-- Each score keeps the 90 % interval of the driver's long-run score given the trips it rests on (null when the model
-- records no sampling noise), so a stored score is served with whether its category is settled. The level is always
-- SamplingNoise.Level (0.9) and is not stored. Nullable columns: no rewrite, a brief lock.
SET LOCAL lock_timeout = '5s';

-- NOT VALID: every existing row has both columns null, which the check accepts, so validating would only scan the
-- table under the ALTER's exclusive lock. New and updated rows are checked all the same. Both ends are tested for
-- null explicitly: a comparison with one null end is null, which a CHECK would let through.
ALTER TABLE risk_scores
    ADD COLUMN score_low real,
    ADD COLUMN score_high real,
    ADD CONSTRAINT risk_scores_interval_check CHECK (
        (score_low IS NULL AND score_high IS NULL)
        OR (score_low IS NOT NULL AND score_high IS NOT NULL AND score_low >= 0 AND score_low <= score_high AND score_high <= 100)) NOT VALID;

COMMENT ON COLUMN risk_scores.score_low IS
    'Lower end (0–100) of the 90 % interval of the driver''s long-run score given the trips scored; null when the model records no sampling noise.';
COMMENT ON COLUMN risk_scores.score_high IS
    'Upper end (0–100, at or above score_low) of the 90 % interval of the long-run score; null exactly when score_low is.';
