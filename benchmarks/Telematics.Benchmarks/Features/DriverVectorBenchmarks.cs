using BenchmarkDotNet.Attributes;

using Telematics.Features.Aggregation;
using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Features.Schema;
using Telematics.Training.Synthetic;

namespace Telematics.Benchmarks.Features;

/// <summary>
/// Combining stored trips into drivers' vectors, what scoring does per driver (<c>DriverVectorBuilder</c>): each trip's
/// saved state added with <see cref="DriverAggregate.AddState"/>, then the vector written, against the baseline of
/// reading the same state bytes once. Inputs rotate through 256 real trip states (simulated driving measured by the
/// pipeline); a driver is 2 trips, as in the storage benchmarks. Reported per trip; allocation must be 0 B.
/// </summary>
[Config(typeof(BenchmarkConfig))]
[InProcess]
[MinColumn]
public class DriverVectorBenchmarks
{
    private const int TripsPerInvoke = 1024;
    private const int TripsPerDriver = 2;

    private readonly DriverAggregate _aggregate = new();
    private readonly float[] _vector = new float[TelematicsFeatures.Schema.Count];
    private byte[][] _states = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var options = new SyntheticPopulationOptions { DriverCount = 256, PeriodDays = 2, Seed = 11 };
        var simulator = new TelematicsSimulator(options);
        var buffer = new SampleBuffer(8192);
        var states = new List<byte[]>();
        for (var i = 0; states.Count < 256; i++)
        {
            var pipeline = new DriverFeaturePipeline(simulator.TimeZone);
            foreach (var chunk in simulator.Simulate(PopulationGenerator.CreateDriver(options, i), buffer))
            {
                AddStates(states, pipeline.Push(chunk));
            }

            AddStates(states, pipeline.Complete());
        }

        _states = [.. states.GetRange(0, 256)];
    }

    /// <summary>Reads every byte of the states once: the memory reference.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = TripsPerInvoke)]
    public long ReadStates()
    {
        long sum = 0;
        for (var t = 0; t < TripsPerInvoke; t++)
        {
            foreach (var b in Next())
            {
                sum += b;
            }
        }

        return sum;
    }

    /// <summary>Drivers of two trips: clear, add each trip's state, write the 29 features.</summary>
    [Benchmark(OperationsPerInvoke = TripsPerInvoke)]
    public float CombineDrivers()
    {
        var sum = 0f;
        for (var t = 0; t < TripsPerInvoke; t += TripsPerDriver)
        {
            _aggregate.Clear();
            for (var k = 0; k < TripsPerDriver; k++)
            {
                _aggregate.AddState(Next());
            }

            _aggregate.WriteFeatures(_vector);
            sum += _vector[0];
        }

        return sum;
    }

    private ReadOnlySpan<byte> Next()
    {
        var state = _states[_next];
        _next = (_next + 1) & 255;
        return state;
    }

    private static void AddStates(List<byte[]> states, IReadOnlyList<TripFeatures> trips)
    {
        foreach (var trip in trips)
        {
            states.Add(trip.State.ToArray());
        }
    }
}
