using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Service;
using Telematics.Scoring.Shipped;
using Telematics.Training.Datasets;
using Telematics.Training.Synthetic;

namespace Telematics.Benchmarks.Scoring;

/// <summary>
/// What the score interval costs: batch scoring of 1,024 drivers (no contributions) with the shipped model as shipped,
/// whose manifest records <c>sampling_noise</c>, against the same package with that block removed. The interval is two
/// exponentials and two calibration look-ups per driver, stored in the <c>RiskScore</c> the batch allocates anyway, so it
/// should add time in the noise and no bytes. Inputs rotate over four batches of synthetic drivers observed 7–90 days.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class ScoreIntervalBenchmarks
{
    private const int BatchSize = 1024;
    private const int Batches = 4;
    private const string ModelManifestFile = "manifest.json";
    private static readonly BatchScoreOptions Options = new() { IncludeContributions = false };

    private readonly List<DriverFeatures[]> _batches = [];
    private string _root = "";
    private ModelRegistry _withNoise = null!;
    private ModelRegistry _withoutNoise = null!;
    private BatchScorer _scorerWithNoise = null!;
    private BatchScorer _scorerWithoutNoise = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "telematics-bench-interval-" + Guid.NewGuid().ToString("N"));
        var plain = ShippedModel.ExtractTo(Path.Combine(_root, "plain"));
        var manifestPath = Path.Combine(plain, ModelManifestFile);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        manifest.Remove("sampling_noise");
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        _withNoise = ModelRegistry.ForPackage(ShippedModel.Load());
        _withoutNoise = ModelRegistry.ForPackage(ModelPackageLoader.Load(plain));
        _scorerWithNoise = new BatchScorer(new RiskScorer(_withNoise));
        _scorerWithoutNoise = new BatchScorer(new RiskScorer(_withoutNoise));

        var data = SyntheticDatasetBuilder.Build(new SyntheticPopulationOptions { DriverCount = BatchSize * Batches, PeriodDays = 90, MinPeriodDays = 7, Seed = 20261206 });
        for (var b = 0; b < Batches; b++)
        {
            var batch = new DriverFeatures[BatchSize];
            for (var i = 0; i < BatchSize; i++)
            {
                var row = (b * BatchSize) + i;
                batch[i] = new DriverFeatures(data.DriverIds[row], data.Features(row).ToArray()) { ObservedDays = data.ObservedDays[row] };
            }

            _batches.Add(batch);
        }

        var check = _scorerWithNoise.ScoreAsync(_batches[0], Options).GetAwaiter().GetResult();
        if (check.Scores[0]?.Interval is null || _scorerWithoutNoise.ScoreAsync(_batches[0], Options).GetAwaiter().GetResult().Scores[0]?.Interval is not null)
        {
            throw new InvalidOperationException("The shipped package should give intervals and the stripped copy none.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _withNoise.Dispose();
        _withoutNoise.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private DriverFeatures[] Next() => _batches[_next++ % Batches];

    [Benchmark(Baseline = true, Description = "batch of 1,024, no sampling_noise")]
    public async Task<int> WithoutInterval() => (await _scorerWithoutNoise.ScoreAsync(Next(), Options)).Scores.Count;

    [Benchmark(Description = "batch of 1,024, with intervals")]
    public async Task<int> WithInterval() => (await _scorerWithNoise.ScoreAsync(Next(), Options)).Scores.Count;
}
