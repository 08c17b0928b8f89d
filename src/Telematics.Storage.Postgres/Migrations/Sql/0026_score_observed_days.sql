-- Each score keeps the days of its period the driver was observed (from the later of the period's start and the
-- driver's first stored trip), which pricing credits and annualises over, so a reprice of a stored score credits a new
-- driver the days it drove, not the whole period asked for. Null on older rows: their whole period counts, as before.
-- A nullable column: no rewrite, a brief lock.
SET LOCAL lock_timeout = '5s';

-- NOT VALID: every existing row is null, which the check accepts, so validating would only scan the table under the
-- ALTER's exclusive lock. New and updated rows are checked all the same.
ALTER TABLE risk_scores
    ADD COLUMN observed_days real,
    ADD CONSTRAINT risk_scores_observed_days_check CHECK (observed_days IS NULL OR observed_days > 0) NOT VALID;

COMMENT ON COLUMN risk_scores.observed_days IS
    'Days of [period_start, period_end) the driver was observed (from its first stored trip if later), at least 1; null on rows stored before it was kept, whose whole period counts.';
