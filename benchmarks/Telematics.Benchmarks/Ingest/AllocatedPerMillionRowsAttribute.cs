using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Telematics.Benchmarks.Ingest;

/// <summary>Adds the <see cref="AllocatedPerMillionRowsColumn"/> to a benchmark class whose operations are rows.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AllocatedPerMillionRowsAttribute : ColumnConfigBaseAttribute
{
    public AllocatedPerMillionRowsAttribute()
        : base(new AllocatedPerMillionRowsColumn())
    {
    }
}

/// <summary>
/// Bytes allocated per million operations (rows), unrounded: the memory diagnoser's per-operation figure rounds a few
/// kilobytes per million rows down to "-".
/// </summary>
public sealed class AllocatedPerMillionRowsColumn : IColumn
{
    public string Id => nameof(AllocatedPerMillionRowsColumn);

    public string ColumnName => "Alloc/1M rows";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Metric;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Bytes allocated per million rows: whole measured invocations (reader, pipe, buffers) divided by the rows they read";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var report = summary[benchmarkCase];
        if (report is null || report.GcStats.TotalOperations <= 0)
        {
            return "NA";
        }

        var total = report.GcStats.GetTotalAllocatedBytes(excludeAllocationQuantumSideEffects: true);
        return total is null ? "NA" : $"{total.Value * 1e6 / report.GcStats.TotalOperations:N0} B";
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
