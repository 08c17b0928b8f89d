using System.Globalization;

namespace Telematics.Storage.Postgres.Partitions;

/// <summary>Where archived rows come from: a table (a month's partition or DEFAULT), optionally only rows before a bound.</summary>
/// <param name="Table">The table the rows are read from, and the name the archive file and record carry.</param>
/// <param name="Before">Only rows earlier than this, or <see langword="null"/> for the whole table.</param>
/// <param name="RangeStart">Start of the range recorded in <c>partition_archives</c>.</param>
/// <param name="RangeEnd">End (exclusive) of the recorded range.</param>
internal readonly record struct ArchiveSource(string Table, DateTimeOffset? Before, DateTimeOffset RangeStart, DateTimeOffset RangeEnd)
{
    /// <summary>The SQL <c>WHERE</c> clause that keeps the rows before <see cref="Before"/> (with a leading space), or empty.</summary>
    public string Where => Before is { } before
        ? string.Create(CultureInfo.InvariantCulture, $" WHERE ts < '{before.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}+00'")
        : string.Empty;
}
