using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Imu.Motion;
using Telematics.Training.Synthetic.Phone;

namespace Telematics.Benchmarks.Imu;

/// <summary>
/// The phone chain (binning, handling, vehicle frame, manoeuvre detection: <see cref="PhoneTripAnalyzer.Analyze"/>) over a
/// rotating pool of eight simulated recordings — three mountings, device and Earth frame, 25–100 Hz, one moved
/// mid-trip — each cut to the same <see cref="SamplesPerSensor"/> accelerometer and gyroscope readings, so every time is
/// per IMU reading. Baseline: reading the same columns once. <see cref="ParseCsv"/> shows what parsing the text costs
/// on top (the accelerometer file of each recording, from memory).
/// </summary>
[Config(typeof(BenchmarkConfig))]
[MinColumn]
public class PhoneChainBenchmarks
{
    private const int SamplesPerSensor = 40_000;
    private const int Readings = 2 * SamplesPerSensor;
    private const int PoolSize = 8;

    private readonly ImuRecording[] _pool = new ImuRecording[PoolSize];
    private readonly byte[][] _csv = new byte[PoolSize][];
    private readonly PhoneTripAnalyzer _analyzer = new();
    private readonly List<Manoeuvre> _manoeuvres = new(256);
    private readonly List<PhoneHandling> _handling = new(64);
    private readonly ImuRecording _parsed = new();
    private readonly ImuLogReader _reader = new(ImuMapping.PerSensorFiles(SensorFrame.Device));
    private readonly ImuFileMapping _accelerometerFile = new() { Name = "accelerometer.csv", Accelerometer = new() };
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        PhoneMounting[] mountings = [PhoneMounting.Dashboard, PhoneMounting.CupHolder, PhoneMounting.Pocket];
        for (var i = 0; i < PoolSize; i++)
        {
            var trip = PhoneSensorSimulator.Simulate(
                new PhoneSimulationOptions
                {
                    Mounting = mountings[i % 3],
                    Frame = i % 2 == 0 ? SensorFrame.Device : SensorFrame.Earth,
                    RateHz = i % 4 == 3 ? 100 : i % 4 == 1 ? 25 : 50,
                    MoveMidTrip = i == 2,
                    AggressivePerKind = 12,
                    CalmPerKind = 8,
                },
                (ulong)(i + 1));
            _pool[i] = Cut(trip.Recording);
            _csv[i] = Csv(_pool[i].Accelerometer);
        }

        _analyzer.Analyze(_pool[0], _manoeuvres, _handling);
    }

    /// <summary>Reads every column the chain reads and sums them: the memory-bandwidth reference.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Readings)]
    public double ReadColumns()
    {
        var recording = Next();
        return Sum(recording.Accelerometer) + Sum(recording.Gyroscope);
    }

    /// <summary>Readings → vehicle frame → manoeuvres and handling.</summary>
    [Benchmark(OperationsPerInvoke = Readings)]
    public int Analyze()
    {
        _analyzer.Analyze(Next(), _manoeuvres, _handling);
        return _manoeuvres.Count + _handling.Count;
    }

    /// <summary>Parsing one sensor's CSV text (<c>time,x,y,z</c>) from memory into its series, per reading.</summary>
    [Benchmark(OperationsPerInvoke = SamplesPerSensor)]
    public async Task<int> ParseCsv()
    {
        _parsed.Clear();
        var bytes = _csv[_next++ % PoolSize];
        await _reader.ReadFileAsync(PipeReader.Create(new ReadOnlySequence<byte>(bytes)), _accelerometerFile, _parsed);
        _reader.Complete(_parsed);
        return _parsed.Accelerometer.Count;
    }

    private ImuRecording Next() => _pool[_next++ % PoolSize];

    private static double Sum(ImuSeries series)
    {
        var time = series.TimeNs;
        var x = series.X;
        var y = series.Y;
        var z = series.Z;
        long ticks = 0;
        float values = 0;
        for (var i = 0; i < time.Length; i++)
        {
            ticks += time[i];
            values += x[i] + y[i] + z[i];
        }

        return ticks + values;
    }

    private static ImuRecording Cut(ImuRecording source)
    {
        var cut = new ImuRecording { Frame = source.Frame, IsEpochTime = source.IsEpochTime };
        Copy(source.Accelerometer, cut.Accelerometer);
        Copy(source.Gyroscope, cut.Gyroscope);
        return cut;
    }

    private static void Copy(ImuSeries from, ImuSeries to)
    {
        if (from.Count < SamplesPerSensor)
        {
            throw new InvalidOperationException($"A simulated recording has {from.Count} readings, fewer than {SamplesPerSensor}.");
        }

        for (var i = 0; i < SamplesPerSensor; i++)
        {
            to.Add(from.TimeNs[i], from.X[i], from.Y[i], from.Z[i]);
        }
    }

    private static byte[] Csv(ImuSeries series)
    {
        var text = new System.Text.StringBuilder("time,x,y,z\n");
        for (var i = 0; i < series.Count; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{series.TimeNs[i]},{series.X[i]:R},{series.Y[i]:R},{series.Z[i]:R}\n");
        }

        return System.Text.Encoding.UTF8.GetBytes(text.ToString());
    }
}
