namespace Telematics.Storage.Postgres.Partitions;

/// <summary>An archive file does not match what <c>partition_archives</c> recorded when it was written; nothing was restored.</summary>
public sealed class ArchiveVerificationException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The archive file.</param>
    /// <param name="month">The month it was to restore.</param>
    /// <param name="differences">What differs, one phrase each (e.g. "row count differs (recorded 2500, file 1500)").</param>
    public ArchiveVerificationException(string filePath, PartitionMonth month, IReadOnlyList<string> differences)
        : base($"Archive {filePath} was not restored into {month}: {string.Join("; ", differences)}.")
    {
        FilePath = filePath;
        Month = month;
        Differences = differences;
    }

    /// <summary>The archive file.</summary>
    public string FilePath { get; }

    /// <summary>The month it was to restore.</summary>
    public PartitionMonth Month { get; }

    /// <summary>What differs from the record, one phrase each; never empty.</summary>
    public IReadOnlyList<string> Differences { get; }
}
