-- What a driver's phone recordings told the trip features (issue #20), kept per driver on the Unix clock and apart from
-- any trip row: the spans the motion sensors could score (coverage), the manoeuvres found in them and the spans the phone
-- was handled in. trip_manoeuvres (0021) goes with its trip; these rows stay when a trip is replaced (a continued trip
-- re-closed, a recording uploaded after its trip), so a trip re-measured from its stored events is measured with the same
-- phone evidence as when it was first closed. Erasing a driver removes them (ON DELETE CASCADE). Grants: the application
-- role gets SELECT/INSERT/UPDATE/DELETE through the default privileges 0015_least_privilege.sql set for tables the owner
-- creates, and again from telematics_grant_roles().
SET LOCAL lock_timeout = '5s';

CREATE TABLE phone_evidence (
    driver_id            bigint      NOT NULL REFERENCES drivers (driver_id) ON DELETE CASCADE,
    kind                 text        NOT NULL CHECK (kind IN (
                             'coverage', 'harsh_braking', 'harsh_acceleration', 'harsh_left_turn', 'harsh_right_turn',
                             'aggressive_left_lane_change', 'aggressive_right_lane_change', 'phone_handling')),
    started_at           timestamptz NOT NULL,
    ended_at             timestamptz NOT NULL,
    peak_at              timestamptz,
    peak_mps2            real,
    severity             real,
    peak_rotation_rad_s  real,
    remounted            boolean,
    -- One row per kind and start: a recording sent again stores nothing twice (ON CONFLICT DO NOTHING).
    PRIMARY KEY (driver_id, started_at, kind),
    CHECK (ended_at >= started_at),
    -- 24 h: the phone chain refuses longer recordings, so a longer span is a unit mistake.
    CHECK (ended_at - started_at <= interval '24 hours'),
    -- Coverage is a span only; a manoeuvre has a peak (time, m/s², severity); a handling span a rotation rate and a remount flag.
    CHECK (CASE kind
               WHEN 'coverage' THEN peak_at IS NULL AND peak_mps2 IS NULL AND severity IS NULL
                    AND peak_rotation_rad_s IS NULL AND remounted IS NULL
               WHEN 'phone_handling' THEN peak_at IS NULL AND peak_mps2 IS NULL AND severity IS NULL
                    AND peak_rotation_rad_s IS NOT NULL AND remounted IS NOT NULL
               ELSE peak_at IS NOT NULL AND peak_mps2 IS NOT NULL AND severity IS NOT NULL
                    AND peak_rotation_rad_s IS NULL AND remounted IS NULL END),
    CHECK (peak_at IS NULL OR (peak_at >= started_at AND peak_at <= ended_at)),
    -- The bounds of trip_manoeuvres: at most 5 g; NaN and infinities are refused too.
    CHECK (peak_mps2 IS NULL OR (peak_mps2 >= 0 AND peak_mps2 <= 49)),
    CHECK (severity IS NULL OR (severity >= 0 AND severity <= 100)),
    CHECK (peak_rotation_rad_s IS NULL OR (peak_rotation_rad_s >= 0 AND peak_rotation_rad_s <= 100))
);

COMMENT ON TABLE phone_evidence IS
    'Phone recordings'' coverage spans, manoeuvres and handling spans per driver (Unix clock, ms), read back when a trip is re-measured from its stored events; deleted with the driver.';
COMMENT ON COLUMN phone_evidence.kind IS
    'coverage | harsh_braking | harsh_acceleration | harsh_left_turn | harsh_right_turn | aggressive_left_lane_change | aggressive_right_lane_change | phone_handling.';

-- The primary key (driver_id, started_at, kind) serves a driver's evidence over a period (the replays' read) and the
-- cascade of an erasure; the ended_at index finds spans that began before a period and reach into it.
CREATE INDEX phone_evidence_driver_end ON phone_evidence (driver_id, ended_at);
