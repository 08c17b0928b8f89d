-- Every trip keeps its additive totals and fixed-bin histograms (the DriverAggregate state, format "TFA" v1, a few
-- hundred bytes), so that a driver's vector over any period is combined from stored trips exactly as the feature
-- pipeline combines them (DriverAggregate.AddState), instead of being approximated from the trips' finished features.
-- Adding a nullable column without a default rewrites nothing: the migration is instant on a live table.
-- NULL marks a trip stored before this migration: TripStateBackfill rebuilds it from the trip's stored events
-- (`telematics trips backfill`, and the host in the background after migrating), in small resumable batches.
ALTER TABLE trips ADD COLUMN state bytea;

-- TripStateBackfill: the next trips without a state, by driver and start. Empty (and free) once the backfill is done.
CREATE INDEX trips_without_state ON trips (driver_id, started_at) WHERE state IS NULL;
