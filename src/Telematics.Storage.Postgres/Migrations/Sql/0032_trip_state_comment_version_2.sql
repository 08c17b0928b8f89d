-- Comment only. Aggregate state version 2 (phone-use time whose source did not record it, kept apart so that phone
-- features are missing rather than 0) is what trips are stored with now; the column's comment still named version 1.
-- Version 1 states stay readable as they are: no row is rewritten.
COMMENT ON COLUMN trips.state IS
    'DriverAggregate state (format TFA, versions 1 and 2: additive totals, time whose phone use was not recorded from version 2, and fixed-bin histograms) that drivers'' vectors are combined from; NULL until TripStateBackfill rebuilds a trip stored before migration 0009.';
