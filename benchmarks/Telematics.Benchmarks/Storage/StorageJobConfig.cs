using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Telematics.Benchmarks.Storage;

/// <summary>
/// Job for the storage benchmarks: each invocation moves a million rows, so a few monitored iterations suffice; runs
/// in-process so that a busy shared machine does not time out building a separate benchmark executable.
/// </summary>
public sealed class StorageJobConfig : ManualConfig
{
    public StorageJobConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(5)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithToolchain(InProcessEmitToolchain.Instance));
    }
}
