namespace Telematics.Storage.Postgres.Partitions;

/// <summary>A partition written to a gzip CSV file before it was dropped.</summary>
/// <param name="Month">The archived month.</param>
/// <param name="FilePath">Full path of the <c>.csv.gz</c> file.</param>
/// <param name="Rows">Number of data rows in the file (equal to the partition's row count; verified by re-reading).</param>
/// <param name="Sha256">SHA-256 of the file's bytes (32 bytes), verified by re-reading before the drop.</param>
public sealed record PartitionArchive(PartitionMonth Month, string FilePath, long Rows, ReadOnlyMemory<byte> Sha256);
