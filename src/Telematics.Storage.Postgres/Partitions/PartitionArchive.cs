namespace Telematics.Storage.Postgres.Partitions;

/// <summary>A partition (or the expired rows of DEFAULT) written to a gzip CSV file before it was dropped.</summary>
/// <param name="Month">The archived month; <see langword="default"/> for an archive of DEFAULT rows.</param>
/// <param name="FilePath">Full path of the <c>.csv.gz</c> file.</param>
/// <param name="Rows">Number of data rows in the file, equal to the rows removed (verified by reading the file back).</param>
/// <param name="Sha256">SHA-256 of the file's bytes (32 bytes), as recorded in <c>partition_archives</c>.</param>
public sealed record PartitionArchive(PartitionMonth Month, string FilePath, long Rows, ReadOnlyMemory<byte> Sha256)
{
    /// <summary>SHA-256 of the rows in the archive's canonical row encoding (32 bytes), equal for the file and the rows it replaced.</summary>
    public ReadOnlyMemory<byte> ContentSha256 { get; init; }
}
