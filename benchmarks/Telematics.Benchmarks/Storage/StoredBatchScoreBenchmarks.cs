using BenchmarkDotNet.Attributes;

using Telematics.Scoring.Batch;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Service;
using Telematics.Service.Scoring;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Scoring;
using Telematics.Storage.Postgres.Trips;

namespace Telematics.Benchmarks.Storage;

/// <summary>
/// Batch scoring of 100,000 drivers from stored trip features (what <c>telematics batch-score --all --chunk 10000</c>
/// does through <see cref="ScoringRunner"/>: read, combine, score with the built-in model and contributions, price,
/// COPY scores + premiums + an audit row + run progress per chunk, the next chunk computed while one is written) against the baseline: the storage batch read of the same rows' trip features (<see cref="TripRepository.ReadTripFeaturesForDriversAsync"/>,
/// the same data as <see cref="TripReadBenchmarks"/>). Target (issue #7): batch scoring within 1.5× the read.
/// </summary>
/// <remarks>
/// <c>TELEMATICS_BENCH_DRIVERS</c> lowers the driver count for a smoke run (default 100,000). Scores and premiums written
/// by an iteration are truncated before the next one; the audit log keeps growing by one row per chunk.
/// </remarks>
[Config(typeof(StorageJobConfig))]
public class StoredBatchScoreBenchmarks
{
    private const int ChunkSize = 10_000;
    private static readonly DateTimeOffset From = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly AuditActor Actor = new("bench:batch-score");

    private StorageBenchmarkDatabase _database = null!;
    private TripRepository _trips = null!;
    private StoredDriverScorer _scorer = null!;
    private ModelRegistry _registry = null!;
    private BatchScorer _batch = null!;
    private long[] _driverIds = null!;
    private ScoringRunRepository _runs = null!;
    private ScoringRunner _runner = null!;
    private ScoringRunner _twoWriters = null!;
    private ScoringRun _run = null!;

    [GlobalSetup]
    public void Setup()
    {
        var drivers = int.TryParse(Environment.GetEnvironmentVariable("TELEMATICS_BENCH_DRIVERS"), out var n) && n > 0 ? n : 100_000;
        _database = new StorageBenchmarkDatabase("bench_batch_score");
        TripReadBenchmarks.SeedTrips(_database, drivers);
        _trips = new TripRepository(_database.DataSource, TimeProvider.System);
        _registry = new ModelRegistry(new ModelRegistryOptions());
        var risk = new RiskScorer(_registry);
        _batch = new BatchScorer(risk);
        var plan = PricingPlanJson.Load(Path.Combine(FindRepositoryRoot(), "docs", "pricing", "ubi-standard-2027.json"));
        _scorer = new StoredDriverScorer(
            new PostgresScoreStore(_database.DataSource, TimeProvider.System), new ExperimentScorer(risk, []), _batch, new StoredScoringOptions { Plan = plan }, TimeProvider.System);
        _runs = new ScoringRunRepository(_database.DataSource, TimeProvider.System);
        _runner = new ScoringRunner(_scorer, _runs);
        _twoWriters = new ScoringRunner(_scorer, _runs, writers: 2);
        _driverIds = new long[drivers];
        for (var i = 0; i < drivers; i++)
        {
            _driverIds[i] = i + 1;
        }
    }

    [IterationSetup(Targets = [nameof(BatchScore), nameof(BatchScoreTwoWriters), nameof(BatchScoreOneChunkAtATime)])]
    public void StartRun()
    {
        _database.Execute("TRUNCATE premiums, shadow_scores, risk_scores");
        _run = _runs.StartOrGetAsync("bench-" + Guid.NewGuid().ToString("N"), "all", From, To).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "storage batch read (TripRepository trip features)")]
    public async Task<int> BatchRead()
    {
        var read = 0;
        for (var start = 0; start < _driverIds.Length; start += ChunkSize)
        {
            var chunk = _driverIds.AsMemory(start, Math.Min(ChunkSize, _driverIds.Length - start));
            read += (await _trips.ReadTripFeaturesForDriversAsync(chunk, From, To).ConfigureAwait(false)).Count;
        }

        return read;
    }

    [Benchmark(Description = "storage batch read of driver vectors (trip states combined)")]
    public async Task<int> BatchReadVectors()
    {
        var read = 0;
        for (var start = 0; start < _driverIds.Length; start += ChunkSize)
        {
            var chunk = _driverIds.AsMemory(start, Math.Min(ChunkSize, _driverIds.Length - start));
            read += (await _trips.ReadDriverVectorsAsync(chunk, From, To).ConfigureAwait(false)).Count;
        }

        return read;
    }

    [Benchmark(Description = "batch-score: read, combine, score, price, store")]
    public async Task<int> BatchScore()
    {
        var report = await _runner.RunAsync(_run, null, ChunkSize, Actor).ConfigureAwait(false);
        return report.Scored != _driverIds.Length ? throw new InvalidOperationException($"scored {report.Scored} of {_driverIds.Length}") : report.Scored;
    }

    [Benchmark(Description = "batch-score with two writers (two chunks written at once)")]
    public async Task<int> BatchScoreTwoWriters()
    {
        var report = await _twoWriters.RunAsync(_run, null, ChunkSize, Actor).ConfigureAwait(false);
        return report.Scored != _driverIds.Length ? throw new InvalidOperationException($"scored {report.Scored} of {_driverIds.Length}") : report.Scored;
    }

    [Benchmark(Description = "batch-score without overlap: each chunk read, scored and stored in turn")]
    public async Task<int> BatchScoreOneChunkAtATime()
    {
        var scored = 0;
        for (var start = 0; start < _driverIds.Length; start += ChunkSize)
        {
            var chunk = _driverIds.AsMemory(start, Math.Min(ChunkSize, _driverIds.Length - start));
            var result = await _scorer.ScoreRunChunkAsync(_run.RunId, chunk, From, To, Actor).ConfigureAwait(false);
            scored += result.Summary.Count - result.Summary.Failures;
        }

        return scored != _driverIds.Length ? throw new InvalidOperationException($"scored {scored} of {_driverIds.Length}") : scored;
    }

    [Benchmark(Description = "read, combine, score, price (nothing stored)")]
    public async Task<int> ScoreInMemory()
    {
        var priced = 0;
        for (var start = 0; start < _driverIds.Length; start += ChunkSize)
        {
            var chunk = _driverIds.AsMemory(start, Math.Min(ChunkSize, _driverIds.Length - start));
            var matrix = await _trips.ReadDriverVectorsAsync(chunk, From, To).ConfigureAwait(false);
            var drivers = new List<DriverFeatures>(matrix.Count);
            for (var row = 0; row < matrix.Count; row++)
            {
                drivers.Add(new DriverFeatures("d", matrix.Features.AsMemory(row * matrix.Width, matrix.Width)));
            }

            var scores = await _batch.ScoreAsync(drivers, new BatchScoreOptions { IncludeContributions = true }).ConfigureAwait(false);
            for (var i = 0; i < drivers.Count; i++)
            {
                var quote = _scorer.Price(scores.Scores[i]!.Score, drivers[i].Features.Span, 5000, null);
                priced += quote.Premium > 0 ? 1 : 0;
            }
        }

        return priced;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _registry.Dispose();
        _database.Dispose();
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Telematics.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("Run the benchmarks from inside the repository: docs/pricing/ubi-standard-2027.json is needed.");
    }
}
