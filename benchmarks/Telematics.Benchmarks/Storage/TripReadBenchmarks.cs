using System.Globalization;

using BenchmarkDotNet.Attributes;

using Npgsql;

using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Storage.Postgres.Trips;
using Telematics.Training.Synthetic;

namespace Telematics.Benchmarks.Storage;

/// <summary>
/// Batch read of the trip features of 100,000 drivers (two trips each in the period, a third outside it) through
/// <see cref="TripRepository.ReadTripFeaturesForDriversAsync"/>, and of their driver vectors combined from the trips' states
/// (<see cref="TripRepository.ReadDriverVectorsAsync"/>, what scoring reads), against the baseline: a bare
/// <c>COPY (SELECT …) TO STDOUT (FORMAT BINARY)</c> of the same rows whose bytes are only drained (features, and states).
/// </summary>
[Config(typeof(StorageJobConfig))]
public class TripReadBenchmarks
{
    private const int Drivers = 100_000;
    private static readonly DateTimeOffset From = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    private StorageBenchmarkDatabase _database = null!;
    private TripRepository _trips = null!;
    private long[] _driverIds = null!;

    [GlobalSetup]
    public void Setup()
    {
        _database = new StorageBenchmarkDatabase("bench_trip_read");
        _trips = new TripRepository(_database.DataSource, TimeProvider.System);
        SeedTrips(_database, Drivers);
        _driverIds = new long[Drivers];
        for (var i = 0; i < Drivers; i++)
        {
            _driverIds[i] = i + 1;
        }
    }

    [Benchmark(Baseline = true, Description = "bare COPY (SELECT) TO STDOUT binary")]
    public Task<long> BareCopy() => DrainAsync("features");

    [Benchmark(Description = "bare COPY of the trip states")]
    public Task<long> BareCopyStates() => DrainAsync("state");

    private async Task<long> DrainAsync(string column)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var copy = await connection.BeginRawBinaryCopyAsync(
            $"COPY (SELECT driver_id, trip_id, started_at, {column} FROM trips WHERE started_at >= '2026-01-01 00:00:00+00' AND started_at < '2026-02-01 00:00:00+00' " +
            "ORDER BY driver_id, started_at) TO STDOUT (FORMAT BINARY)").ConfigureAwait(false);
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await copy.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return total;
    }

    [Benchmark(Description = "TripRepository driver vectors: trip states read and combined (100k driver ids)")]
    public async Task<int> RepositoryDriverVectors()
    {
        var drivers = await _trips.ReadDriverVectorsAsync(_driverIds, From, To).ConfigureAwait(false);
        return drivers.Count != Drivers ? throw new InvalidOperationException($"read {drivers.Count}") : drivers.Count;
    }

    [Benchmark(Description = "TripRepository batch read (100k driver ids)")]
    public async Task<int> RepositoryBatchRead()
    {
        var matrix = await _trips.ReadTripFeaturesForDriversAsync(_driverIds, From, To).ConfigureAwait(false);
        return matrix.Count != 2 * Drivers ? throw new InvalidOperationException($"read {matrix.Count}") : matrix.Count;
    }

    /// <summary>
    /// Stores <paramref name="drivers"/> drivers (ids 1…n) with two trips each in January 2026 and a third in February.
    /// Each trip's features and state are one of a set of real trips (simulated driving measured by the feature pipeline),
    /// so the state read and combined has the size and histograms of real trips.
    /// </summary>
    internal static void SeedTrips(StorageBenchmarkDatabase database, int drivers)
    {
        var templates = TemplateTrips(64);
        database.Execute("CREATE TABLE trip_templates (template int PRIMARY KEY, distance_km double precision, features real[], state bytea)");
        using (var connection = database.DataSource.OpenConnection())
        {
            for (var k = 0; k < templates.Count; k++)
            {
                using var insert = new NpgsqlCommand("INSERT INTO trip_templates VALUES ($1, $2, $3, $4)", connection);
                insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = k });
                insert.Parameters.Add(new NpgsqlParameter<double> { TypedValue = templates[k].DistanceKm });
                insert.Parameters.Add(new NpgsqlParameter<float[]> { TypedValue = templates[k].Features.ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = templates[k].State.ToArray() });
                insert.ExecuteNonQuery();
            }
        }

        database.Execute(string.Create(CultureInfo.InvariantCulture, $"""
            INSERT INTO drivers (driver_id, external_ref, display_name, created_at, updated_at)
            SELECT g, 'REF-' || g, 'Driver ' || g, now(), now() FROM generate_series(1, {drivers}) g;
            INSERT INTO trips (driver_id, started_at, ended_at, distance_km, sample_count, harsh_brake_count, rapid_accel_count, harsh_corner_count, feature_schema, feature_version, features, state)
            SELECT g, '2026-01-03'::timestamptz + (g % 500) * interval '1 hour' + CASE k WHEN 2 THEN interval '40 day' ELSE k * interval '1 day' END,
                   '2026-01-03'::timestamptz + (g % 500) * interval '1 hour' + CASE k WHEN 2 THEN interval '40 day' ELSE k * interval '1 day' END + interval '30 minutes',
                   t.distance_km, 1800, 1, 0, 2, 'telematics', 1, t.features, t.state
            FROM generate_series(1, {drivers}) g CROSS JOIN generate_series(0, 2) k JOIN trip_templates t ON t.template = (g * 3 + k) % {templates.Count};
            DROP TABLE trip_templates;
            """));
        database.Execute("VACUUM ANALYZE trips");
    }

    // Trips of simulated drivers (a fixed seed), as the pipeline measures them.
    private static List<TripFeatures> TemplateTrips(int count)
    {
        var options = new SyntheticPopulationOptions { DriverCount = count, PeriodDays = 2, Seed = 7 };
        var simulator = new TelematicsSimulator(options);
        var buffer = new SampleBuffer(8192);
        var trips = new List<TripFeatures>();
        for (var i = 0; trips.Count < count; i++)
        {
            var pipeline = new DriverFeaturePipeline(simulator.TimeZone);
            foreach (var chunk in simulator.Simulate(PopulationGenerator.CreateDriver(options, i), buffer))
            {
                trips.AddRange(pipeline.Push(chunk));
            }

            trips.AddRange(pipeline.Complete());
        }

        return trips.GetRange(0, count);
    }

    [GlobalCleanup]
    public void Cleanup() => _database.Dispose();
}
