-- A run keeps the drivers it skipped for having no trips in its period apart from those it could not score. Both were
-- counted in drivers_failed only, so nobody could tell afterwards a run with failures from one with idle drivers, and a
-- re-run of a finished run (batch-score --run-id) exited 0 for both. drivers_without_trips is a part of drivers_failed;
-- the rest are real failures (an unknown driver, refused by the model). Each chunk adds to both in the statement that
-- advances the run, in the chunk's transaction.
-- Null on runs stored before this migration, which cannot be split. No default: a run started by an older build during an
-- upgrade does not count it either, and stays null rather than read as "none without trips"; the repository starts new
-- runs at 0, and null + n stays null when an older run is resumed.
-- A nullable column without a default: no rewrite, a brief lock.
SET LOCAL lock_timeout = '5s';

-- NOT VALID: every existing row is null, which the check accepts, so validating would only scan the table under the
-- ALTER's exclusive lock. New and updated rows are checked all the same.
ALTER TABLE scoring_runs
    ADD COLUMN drivers_without_trips integer,
    ADD CONSTRAINT scoring_runs_drivers_without_trips_check
        CHECK (drivers_without_trips IS NULL OR drivers_without_trips BETWEEN 0 AND drivers_failed) NOT VALID;

COMMENT ON COLUMN scoring_runs.drivers_failed IS
    'Drivers not scored: those without trips in the period (drivers_without_trips) and those that failed (unknown id, refused by the model).';
COMMENT ON COLUMN scoring_runs.drivers_without_trips IS
    'Of drivers_failed, those without trips in the period (nothing to score, not a failure); null on runs started before it was kept (migration 0031), whose failures cannot be told from them.';
