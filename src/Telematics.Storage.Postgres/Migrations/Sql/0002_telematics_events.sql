-- Raw samples, range-partitioned by UTC month (partitions are made by PartitionManager, named
-- telematics_events_YYYY_MM) with a DEFAULT partition for anything that has no month yet.
-- The primary key is the idempotency key of ingest: (driver, event id, timestamp) is stored once.
-- It leads with driver_id so that "events of a driver in [from, to)" (EventReader) is an index range scan
-- that partition pruning limits to the months of the range.

CREATE TABLE telematics_events (
    driver_id        bigint NOT NULL,
    event_id         bigint NOT NULL,
    ts               timestamptz NOT NULL,
    latitude_deg     double precision NOT NULL,
    longitude_deg    double precision NOT NULL,
    speed_mps        real,
    heading_deg      real,
    long_accel_mps2  real,
    lat_accel_mps2   real,
    gps_accuracy_m   real,
    speed_limit_mps  real,
    road_class       smallint NOT NULL,
    flags            smallint NOT NULL,
    PRIMARY KEY (driver_id, ts, event_id)
) PARTITION BY RANGE (ts);

CREATE TABLE telematics_events_default PARTITION OF telematics_events DEFAULT;

-- Archives written by PartitionManager.ArchiveAsync before a partition is dropped.
CREATE TABLE partition_archives (
    archive_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partition_name  text NOT NULL,
    range_start     timestamptz NOT NULL,
    range_end       timestamptz NOT NULL,
    file_name       text NOT NULL,
    row_count       bigint NOT NULL,
    sha256          bytea NOT NULL CHECK (length(sha256) = 32),
    archived_at     timestamptz NOT NULL
);
