-- A premium keeps the decimal places its plan rounds to (rounding.decimals, 0–4). numeric(12, 2) cut the premium of a
-- three-decimal currency (KWD, BHD, OMR, JOD, TND) to two places, half away from zero whatever the plan's rounding mode,
-- while the breakdown, the audit row and the event carried the plan's own figure. Unconstrained numeric keeps each
-- value's own scale, so a two-decimal premium still reads back as 760.40, not 760.4000.
-- Dropping a numeric's precision needs no rewrite; the new check reads the table once under the ALTER's lock.
SET LOCAL lock_timeout = '5s';

ALTER TABLE premiums
    ALTER COLUMN base_amount TYPE numeric,
    ALTER COLUMN final_amount TYPE numeric,
    ADD CONSTRAINT premiums_amount_scale_check
        CHECK (scale(base_amount) <= 4 AND scale(final_amount) <= 4 AND base_amount < 1e10 AND final_amount < 1e10);

COMMENT ON COLUMN premiums.final_amount IS
    'The premium in the plan''s currency, to the plan''s rounding.decimals (0–4) places; below 10^10.';
