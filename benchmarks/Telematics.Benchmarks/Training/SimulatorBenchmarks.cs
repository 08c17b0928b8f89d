using BenchmarkDotNet.Attributes;
using Telematics.Features.Samples;
using Telematics.Training.Synthetic;

namespace Telematics.Benchmarks.Training;

/// <summary>
/// Synthetic sample generation, one million samples per invocation taken from a rotating pool of drivers
/// (so no single driver's trips are learned by the branch predictor). Target: 5 million samples/s per core.
/// Baseline: appending the same number of samples of fixed values, the cost of the buffer writes alone.
/// </summary>
[MemoryDiagnoser]
public class SimulatorBenchmarks
{
    private const int Samples = 1_000_000;
    private readonly SampleBuffer _buffer = new(16_384);
    private TelematicsSimulator _simulator = null!;
    private DriverProfile[] _drivers = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var options = new SyntheticPopulationOptions { DriverCount = 256, PeriodDays = 7 };
        _simulator = new TelematicsSimulator(options);
        _drivers = [.. PopulationGenerator.CreateDrivers(options)];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Samples)]
    public int AppendFixedSamples()
    {
        var sample = new TelematicsSample(1_700_000_000_000, 41.9, -87.6) { SpeedMps = 12f, RoadClass = RoadClass.Primary };
        var written = 0;
        while (written < Samples)
        {
            _buffer.Clear();
            for (var i = 0; i < _buffer.Capacity && written < Samples; i++, written++)
            {
                _buffer.Add(sample);
            }
        }

        return written;
    }

    [Benchmark(OperationsPerInvoke = Samples)]
    public int SimulateDrivers()
    {
        var written = 0;
        while (written < Samples)
        {
            var driver = _drivers[_next++ % _drivers.Length];
            foreach (var chunk in _simulator.Simulate(driver, _buffer))
            {
                written += chunk.Count;
                if (written >= Samples)
                {
                    break;
                }
            }
        }

        return written;
    }
}
