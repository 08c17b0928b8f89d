using System.Globalization;
using System.Text;

using BenchmarkDotNet.Attributes;

using Telematics.Features.Samples;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Storage.Postgres;

namespace Telematics.Benchmarks.Storage;

/// <summary>
/// Idempotent ingest of 1,000,000 events (100 drivers × 10,000 samples, one batch per driver) into the partitioned,
/// indexed <c>telematics_events</c>, against the baseline <c>psql \copy … FROM</c> a CSV of the same rows into the same
/// table. The table is emptied before every iteration; partitions exist beforehand for both.
/// </summary>
[Config(typeof(StorageJobConfig))]
public class IngestBenchmarks
{
    private const int Drivers = 100;
    private const int SamplesPerDriver = 10_000;

    private readonly AuditActor _actor = new("bench");
    private StorageBenchmarkDatabase _database = null!;
    private EventIngestor _ingestor = null!;
    private SampleBuffer[] _batches = null!;
    private string _csvPath = null!;

    [GlobalSetup]
    public void Setup()
    {
        _database = new StorageBenchmarkDatabase("bench_ingest");
        var partitions = new PartitionManager(_database.DataSource, new TelematicsPostgresOptions(), TimeProvider.System);
        _ingestor = new EventIngestor(_database.DataSource, partitions, TimeProvider.System);
        var start = new DateTimeOffset(2026, 3, 1, 6, 0, 0, TimeSpan.Zero);
        _batches = new SampleBuffer[Drivers];
        _csvPath = Path.Combine(Path.GetTempPath(), $"bench-ingest-{Environment.ProcessId}.csv");
        using var csv = new StreamWriter(_csvPath, false, new UTF8Encoding(false));
        for (var d = 0; d < Drivers; d++)
        {
            var buffer = new SampleBuffer(SamplesPerDriver);
            var random = new Random(d);
            for (var i = 0; i < SamplesPerDriver; i++)
            {
                var ts = start.AddDays(d % 28).AddSeconds(i).ToUnixTimeMilliseconds();
                buffer.Add(new TelematicsSample(ts, -25.4 + (random.NextDouble() * 0.1), -49.2 + (random.NextDouble() * 0.1))
                {
                    SpeedMps = (float)(random.NextDouble() * 30),
                    HeadingDeg = (float)(random.NextDouble() * 360),
                    LongitudinalAccelMps2 = (float)((random.NextDouble() * 6) - 3),
                    LateralAccelMps2 = (float)((random.NextDouble() * 4) - 2),
                    GpsAccuracyM = 5,
                    SpeedLimitMps = i % 3 == 0 ? float.NaN : 16.7f,
                    RoadClass = RoadClass.Primary,
                    Flags = SampleFlags.None,
                    EventId = i + 1,
                });
                WriteCsv(csv, d + 1, buffer, i);
            }

            _batches[d] = buffer;
        }

        partitions.CreateAsync(new PartitionMonth(2026, 3), _actor).GetAwaiter().GetResult();
    }

    [IterationSetup]
    public void Empty() => _database.Execute("TRUNCATE telematics_events; CHECKPOINT");

    [Benchmark(Baseline = true, Description = "psql \\copy FROM csv")]
    public void PsqlCopyCsv() =>
        _database.Psql("-c", $"\\copy telematics_events (driver_id, event_id, ts, latitude_deg, longitude_deg, speed_mps, heading_deg, long_accel_mps2, lat_accel_mps2, gps_accuracy_m, speed_limit_mps, road_class, flags) FROM '{_csvPath}' WITH (FORMAT csv)");

    [Benchmark(Description = "EventIngestor (idempotent, binary COPY)")]
    public async Task<long> EventIngestor()
    {
        long stored = 0;
        for (var d = 0; d < Drivers; d++)
        {
            stored += (await _ingestor.IngestAsync(d + 1, _batches[d], _actor).ConfigureAwait(false)).Stored;
        }

        return stored != Drivers * SamplesPerDriver ? throw new InvalidOperationException($"stored {stored}") : stored;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        File.Delete(_csvPath);
        _database.Dispose();
    }

    private static void WriteCsv(StreamWriter csv, long driverId, SampleBuffer buffer, int i)
    {
        var ts = DateTimeOffset.FromUnixTimeMilliseconds(buffer.TimestampUnixMs[i]).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'+00'", CultureInfo.InvariantCulture);
        csv.Write(string.Create(CultureInfo.InvariantCulture,
            $"{driverId},{buffer.EventId[i]},{ts},{buffer.LatitudeDeg[i]:R},{buffer.LongitudeDeg[i]:R},{buffer.SpeedMps[i]:R},{buffer.HeadingDeg[i]:R},{buffer.LongitudinalAccelMps2[i]:R},{buffer.LateralAccelMps2[i]:R},{buffer.GpsAccuracyM[i]:R},"));
        csv.Write(float.IsNaN(buffer.SpeedLimitMps[i]) ? string.Empty : buffer.SpeedLimitMps[i].ToString("R", CultureInfo.InvariantCulture));
        csv.Write(string.Create(CultureInfo.InvariantCulture, $",{(short)buffer.RoadClass[i]},{(short)buffer.Flags[i]}\n"));
    }
}
