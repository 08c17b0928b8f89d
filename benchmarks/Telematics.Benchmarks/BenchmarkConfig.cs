using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;

namespace Telematics.Benchmarks;

/// <summary>
/// Configuration every benchmark class runs with: allocations measured, ratios against the class's
/// baseline, and the default exporters (GitHub markdown among them). Reports of committed runs are copied into <c>benchmarks/results/</c>.
/// </summary>
public sealed class BenchmarkConfig : ManualConfig
{
    public BenchmarkConfig()
    {
        Add(DefaultConfig.Instance);
        // The generated benchmark project builds slowly on a busy 2-core machine; the default 2 minutes is not enough.
        WithBuildTimeout(TimeSpan.FromMinutes(10));
        AddDiagnoser(MemoryDiagnoser.Default);
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Percentage);
    }
}
