namespace Telematics.Storage.Postgres.Partitions;

/// <summary>An archive as <c>partition_archives</c> records it.</summary>
/// <param name="ArchiveId">The record's id.</param>
/// <param name="FileName">The file's name (no folder).</param>
/// <param name="Rows">Rows written.</param>
/// <param name="Sha256">SHA-256 of the file's bytes.</param>
/// <param name="ContentSha256">Hash of the rows in the canonical encoding; null for archives recorded before it was kept.</param>
/// <param name="FromUs">Start of the recorded range, µs since the Unix epoch.</param>
/// <param name="ToUs">End (exclusive) of the recorded range, µs since the Unix epoch.</param>
/// <param name="PartitionName">The month's partition it was taken from, or DEFAULT (expired rows of any months).</param>
internal sealed record ArchiveRecord(long ArchiveId, string FileName, long Rows, byte[] Sha256, byte[]? ContentSha256, long FromUs, long ToUs, string PartitionName)
{
    /// <summary>Whether the archive holds expired DEFAULT rows rather than one month's partition.</summary>
    public bool IsDefault => PartitionName == PartitionMonth.DefaultPartitionName;
}
