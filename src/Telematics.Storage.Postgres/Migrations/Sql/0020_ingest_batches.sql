-- The streamed batches an upload stored (issue #19): a batch is delivered at least once, and one delivered again after
-- its upload committed (its acknowledgement lost) finds its id here and stores nothing twice. Written in the upload's
-- own transaction, so the record and the events it stands for commit together. Version 0020 leaves 0017–0019 free.
SET LOCAL lock_timeout = '5s';

CREATE TABLE ingest_batches (
    batch_id  uuid        PRIMARY KEY,
    driver_id bigint      NOT NULL REFERENCES drivers (driver_id) ON DELETE CASCADE,
    stored_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE ingest_batches IS
    'Streamed event batches already stored (one row per batch id, written with the batch''s upload); a redelivered batch stores nothing.';

-- Pruning by age (rows older than the stream's redelivery horizon) walks this index.
CREATE INDEX ingest_batches_stored_at ON ingest_batches (stored_at);

-- Erasing a driver cascades here (a driver's rows go with it) through this index.
CREATE INDEX ingest_batches_driver_id ON ingest_batches (driver_id);
