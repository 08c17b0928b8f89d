namespace Telematics.Storage.Postgres.Partitions;

/// <summary>One partition of <c>telematics_events</c> as listed by <see cref="PartitionManager.ListAsync"/>.</summary>
/// <param name="Name">Table name, <c>telematics_events_YYYY_MM</c> or <c>telematics_events_default</c>.</param>
/// <param name="Month">The month it holds; <see langword="null"/> for the DEFAULT partition.</param>
/// <param name="Rows">Exact number of rows (counted).</param>
/// <param name="SizeBytes">Size on disk including indexes and TOAST, bytes.</param>
public sealed record PartitionInfo(string Name, PartitionMonth? Month, long Rows, long SizeBytes)
{
    /// <summary>The range as text: <c>[2026-03-01, 2026-04-01)</c>, or <c>DEFAULT</c>.</summary>
    public string RangeText => Month is { } month
        ? $"[{month.Start:yyyy-MM-dd}, {month.End:yyyy-MM-dd})"
        : "DEFAULT";
}
