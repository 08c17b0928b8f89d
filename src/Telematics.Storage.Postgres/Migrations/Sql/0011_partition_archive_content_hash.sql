-- Archives prove what they hold: besides the file's SHA-256 (which changes with any re-compression), each archive
-- records the SHA-256 of its rows in a canonical encoding (Partitions/ArchiveRowHasher: typed values, not text),
-- computed from the partition itself and compared with the file's rows before the partition is dropped.
-- Restore refuses a file whose file hash, row count or content hash differs from this record.
-- Adding a nullable column without a default is a catalog-only change: safe on a live database.
-- Archives made before this migration have no content hash; restore then checks the file hash and row count only.
ALTER TABLE partition_archives ADD COLUMN content_sha256 bytea CHECK (length(content_sha256) = 32);

COMMENT ON TABLE partition_archives IS
    'One row per archive file written by PartitionManager.ArchiveAsync before it dropped a partition of telematics_events; read by RestoreAsync to check a file before loading it.';
COMMENT ON COLUMN partition_archives.partition_name IS 'Partition archived: telematics_events_YYYY_MM, or telematics_events_default for expired DEFAULT rows.';
COMMENT ON COLUMN partition_archives.range_start IS 'Inclusive lower bound (UTC) of the archived rows'' ts.';
COMMENT ON COLUMN partition_archives.range_end IS 'Exclusive upper bound (UTC) of the archived rows'' ts.';
COMMENT ON COLUMN partition_archives.file_name IS 'File name (no folder) of the gzip CSV written into the archive folder.';
COMMENT ON COLUMN partition_archives.row_count IS 'Data rows in the file (lines after the header), equal to the rows removed from the database.';
COMMENT ON COLUMN partition_archives.sha256 IS 'SHA-256 of the file''s bytes as written and fsynced (32 bytes).';
COMMENT ON COLUMN partition_archives.content_sha256 IS 'SHA-256 of the rows in ArchiveRowHasher''s canonical encoding, in (driver_id, ts, event_id) order; NULL for archives made before migration 0011.';
COMMENT ON COLUMN partition_archives.archived_at IS 'When the archive was written (UTC, from the writer''s clock).';
