using BenchmarkDotNet.Attributes;
using Telematics.Features.Areas;
using Telematics.Features.Extraction;
using Telematics.Features.Imu;
using Telematics.Features.Samples;
using Telematics.Features.Schema;

namespace Telematics.Benchmarks.Features;

/// <summary>
/// Trip feature extraction (all 29 features) over a rotating pool of 64 distinct synthetic trips of 5k–20k
/// samples, against a baseline that only reads the same columns once (the memory-bandwidth reference).
/// </summary>
/// <remarks>
/// Trips come in pairs whose lengths add up to <see cref="SamplesPerInvoke"/>, and each invocation takes the
/// next pair, so the reported time is per sample and the branch predictor cannot learn one trip. The Min column
/// is shown because on a shared machine the mean mostly measures the other processes.
/// </remarks>
[Config(typeof(BenchmarkConfig))]
[MinColumn]
public class TripFeatureBenchmarks
{
    private const int SamplesPerInvoke = 25_000;
    private const int PoolSize = 64;

    private readonly float[] _vector = new float[TelematicsFeatures.Schema.Count];
    private SampleBuffer[] _trips = [];
    private TripFeatureAccumulator _accumulator = null!;
    private TripFeatureAccumulator _accumulatorWithAreas = null!;
    private TripFeatureAccumulator _accumulatorWithImu = null!;
    private ImuTripEvidence[] _evidence = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _trips = new SampleBuffer[PoolSize];
        for (var i = 0; i < PoolSize; i += 2)
        {
            var length = random.Next(5_000, 20_001);
            _trips[i] = SyntheticTrips.Create(i, length);
            _trips[i + 1] = SyntheticTrips.Create(i + 1, SamplesPerInvoke - length);
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        _accumulator = new TripFeatureAccumulator(zone);
        var areas = new HighRiskAreaMap(52.0, 12.5, 53.0, 14.5, 0.005)
            .AddPolygon([52.45, 52.60, 52.60, 52.45], [13.30, 13.30, 13.50, 13.50], 0.7f);
        _accumulatorWithAreas = new TripFeatureAccumulator(zone, new FeatureExtractionOptions { HighRiskAreas = areas });
        _accumulatorWithImu = new TripFeatureAccumulator(zone);
        _evidence = new ImuTripEvidence[PoolSize];
        for (var i = 0; i < PoolSize; i++)
        {
            _evidence[i] = SyntheticPhoneEvidence.Create(_trips[i], i);
        }
    }

    /// <summary>Reads every column extraction reads and sums it: the memory-bandwidth reference.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = SamplesPerInvoke)]
    public double ReadColumns()
    {
        var sum = 0.0;
        for (var k = 0; k < 2; k++)
        {
            var trip = new SampleSpan(NextTrip());
            var ts = trip.TimestampUnixMs;
            var lat = trip.LatitudeDeg;
            var lon = trip.LongitudeDeg;
            var speed = trip.SpeedMps;
            var longitudinal = trip.LongitudinalAccelMps2;
            var lateral = trip.LateralAccelMps2;
            var limit = trip.SpeedLimitMps;
            var road = trip.RoadClass;
            var flags = trip.Flags;
            long integers = 0;
            double doubles = 0;
            float floats = 0;
            for (var i = 0; i < ts.Length; i++)
            {
                integers += ts[i] + (byte)road[i] + (byte)flags[i];
                doubles += lat[i] + lon[i];
                floats += speed[i] + longitudinal[i] + lateral[i] + limit[i];
            }

            sum += integers + doubles + floats;
        }

        return sum;
    }

    /// <summary>All 29 features of each trip.</summary>
    [Benchmark(OperationsPerInvoke = SamplesPerInvoke)]
    public float ExtractTripFeatures()
    {
        _accumulator.Extract(new SampleSpan(NextTrip()), _vector);
        var first = _vector[0];
        _accumulator.Extract(new SampleSpan(NextTrip()), _vector);
        return first + _vector[0];
    }

    /// <summary>All 29 features with a high-risk area grid configured (one grid lookup per sample).</summary>
    [Benchmark(OperationsPerInvoke = SamplesPerInvoke)]
    public float ExtractTripFeaturesWithAreas()
    {
        _accumulatorWithAreas.Extract(new SampleSpan(NextTrip()), _vector);
        var first = _vector[0];
        _accumulatorWithAreas.Extract(new SampleSpan(NextTrip()), _vector);
        return first + _vector[0];
    }

    /// <summary>
    /// All 29 features with phone evidence covering the middle half of each trip (a manoeuvre every 45 s, 10 s of
    /// handling every 5 min): GPS-derived events are gated by coverage, manoeuvres counted, handling joined to the flags.
    /// </summary>
    [Benchmark(OperationsPerInvoke = SamplesPerInvoke)]
    public float ExtractTripFeaturesWithImu()
    {
        _accumulatorWithImu.Imu = _evidence[_next];
        _accumulatorWithImu.Extract(new SampleSpan(NextTrip()), _vector);
        var first = _vector[0];
        _accumulatorWithImu.Imu = _evidence[_next];
        _accumulatorWithImu.Extract(new SampleSpan(NextTrip()), _vector);
        return first + _vector[0];
    }

    private SampleBuffer NextTrip()
    {
        var trip = _trips[_next];
        _next = (_next + 1) % PoolSize;
        return trip;
    }
}
