-- Each score keeps the share of the driver's model inputs that lay outside the model's training ranges (null when the
-- model records none), so a stored score is served with its confidence. A nullable column: no rewrite, a brief lock.
SET LOCAL lock_timeout = '5s';

ALTER TABLE risk_scores ADD COLUMN out_of_range_share real;

COMMENT ON COLUMN risk_scores.out_of_range_share IS
    'Share (0–1) of the model inputs outside the training ranges of the model that scored; null when it records none.';
