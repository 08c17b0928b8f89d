using System.IO.Hashing;
using System.Text;
using BenchmarkDotNet.Attributes;
using Telematics.Scoring.Experiments;

namespace Telematics.Benchmarks.Experiments;

/// <summary>
/// Cost of assigning a driver to an experiment variant against the bare XxHash3 call on the id's UTF-8
/// bytes. Ids rotate over 4 096 distinct values so neither the branch predictor nor the cache learns one.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class ExperimentAssignmentBenchmarks
{
    private const int IdCount = 4_096;

    private readonly string[] _ids = new string[IdCount];
    private readonly byte[][] _utf8Ids = new byte[IdCount][];
    private ExperimentDefinition _experiment = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < IdCount; i++)
        {
            _ids[i] = Guid.CreateVersion7(DateTimeOffset.UnixEpoch.AddSeconds(i)).ToString();
            _utf8Ids[i] = Encoding.UTF8.GetBytes(_ids[i]);
        }

        _experiment = new ExperimentDefinition("bench", "bench-salt",
        [
            new ExperimentVariant("control", ModelReference.Parse("champion"), 8_000),
            new ExperimentVariant("challenger", ModelReference.Parse("challenger"), 1_500),
            new ExperimentVariant("gbm", ModelReference.Parse("risk-gbm@3.0.0"), 500),
            ExperimentVariant.Shadow("nn", ModelReference.Parse("risk-nn@0.4.0")),
        ]);
    }

    [Benchmark(Baseline = true, Description = "XxHash3 of UTF-8 id (baseline)")]
    public ulong BareXxHash3()
    {
        var i = _next = (_next + 1) & (IdCount - 1);
        return XxHash3.HashToUInt64(_utf8Ids[i], 12345);
    }

    [Benchmark(Description = "ExperimentDefinition.Assign")]
    public int Assign()
    {
        var i = _next = (_next + 1) & (IdCount - 1);
        return _experiment.Assign(_ids[i]).Bucket;
    }
}
