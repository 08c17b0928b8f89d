using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Results;
using Telematics.Scoring.Rules;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Batch;

public sealed class BatchScorerTests : IDisposable
{
    private static readonly FeatureSchema Schema = TelematicsFeatures.Schema;
    private readonly TestPackages _packages = new();
    private readonly ModelRegistry _builtInOnly = new(new ModelRegistryOptions());

    public void Dispose()
    {
        _builtInOnly.Dispose();
        _packages.Dispose();
    }

    private sealed class Recorder : IProgress<BatchProgress>
    {
        public ConcurrentQueue<BatchProgress> Reports { get; } = new();

        public void Report(BatchProgress value) => Reports.Enqueue(value);
    }

    private static DriverFeatures[] Drivers(int count)
    {
        var drivers = new DriverFeatures[count];
        var random = new Random(7);
        for (var i = 0; i < count; i++)
        {
            var vector = new float[Schema.Count];
            RuleBasedModel.Default.CopyReferenceRow(vector);
            vector[Schema.IndexOf(TelematicsFeatures.SpeedingShare)] = (float)random.NextDouble() * 0.4f;
            vector[Schema.IndexOf(TelematicsFeatures.HarshBrakingPer100Km)] = (float)random.NextDouble() * 12f;
            drivers[i] = new DriverFeatures($"d{i}", vector);
        }

        return drivers;
    }

    [Fact]
    public async Task Batch_scores_match_single_scores_and_the_summary_matches_the_scores()
    {
        var scorer = new RiskScorer(_builtInOnly);
        var drivers = Drivers(1000);
        var progress = new Recorder();

        var result = await new BatchScorer(scorer).ScoreAsync(drivers, new BatchScoreOptions { ChunkSize = 64 }, progress);

        Assert.Empty(result.Failures);
        for (var i = 0; i < drivers.Length; i++)
        {
            // Bit for bit: a driver scored in a batch, alone, or with contributions is stored and priced alike.
            var single = scorer.Score(new ScoreRequest { DriverId = drivers[i].DriverId, Features = drivers[i].Features, IncludeContributions = false });
            var explained = scorer.Score(new ScoreRequest { DriverId = drivers[i].DriverId, Features = drivers[i].Features, IncludeContributions = true });
            Assert.Equal((single.RawOutput, single.Score), (result.Scores[i]!.RawOutput, result.Scores[i]!.Score));
            Assert.Equal((single.RawOutput, single.Score), (explained.RawOutput, explained.Score));
        }

        var values = result.Scores.Select(s => s!.Score).Order().ToArray();
        Assert.Equal(1000, result.Summary.Count);
        Assert.Equal(values.Average(), result.Summary.Mean, 9);
        Assert.Equal((values[499] + values[500]) / 2, result.Summary.P50, 9);
        Assert.Equal(1000, result.Summary.ByCategory.Values.Sum());
        Assert.Equal(1000, result.Summary.ByModelVersion["builtin-rules@1"]);
        Assert.Equal(16, progress.Reports.Count);
        Assert.Equal(1000, progress.Reports.Max(r => r.Completed));
    }

    [Fact]
    public async Task A_chunk_size_larger_than_any_batch_scores_every_driver_in_one_chunk()
    {
        var drivers = Drivers(10);
        var progress = new Recorder();

        // The chunk count used to overflow to 0: nothing scored, no failure, a silent empty success.
        var result = await new BatchScorer(new RiskScorer(_builtInOnly)).ScoreAsync(drivers, new BatchScoreOptions { ChunkSize = int.MaxValue }, progress);

        Assert.Empty(result.Failures);
        Assert.All(result.Scores, Assert.NotNull);
        Assert.Equal(10, result.Summary.ByModelVersion.Values.Sum());
        Assert.Equal([new BatchProgress(10, 10, 0)], progress.Reports);
    }

    // A synchronous sink whose first report takes a while (as a console writer can), long enough for a parallel chunk to
    // report meanwhile; it notes overlapping calls and records each report when it is done with it.
    private sealed class SlowFirstRecorder : IProgress<BatchProgress>
    {
        private int _calls;
        private int _inside;

        public List<BatchProgress> Reports { get; } = [];

        public bool Overlapped { get; private set; }

        public void Report(BatchProgress value)
        {
            var call = Interlocked.Increment(ref _calls);
            if (Interlocked.Increment(ref _inside) > 1)
            {
                Overlapped = true;
            }

            if (call == 1)
            {
                SpinWait.SpinUntil(() => Volatile.Read(ref _calls) > 1, TimeSpan.FromMilliseconds(500));
            }

            lock (Reports)
            {
                Reports.Add(value);
            }

            Interlocked.Decrement(ref _inside);
        }
    }

    [Fact]
    public async Task Progress_from_parallel_chunks_never_goes_back_and_ends_at_the_total()
    {
        var drivers = Drivers(120);
        for (var i = 3; i < drivers.Length; i += 10)
        {
            drivers[i] = new DriverFeatures($"short-{i}", new float[2]);
        }

        var progress = new SlowFirstRecorder();

        await new BatchScorer(new RiskScorer(_builtInOnly)).ScoreAsync(drivers, new BatchScoreOptions { ChunkSize = 1, MaxDegreeOfParallelism = 4 }, progress);

        Assert.False(progress.Overlapped);
        Assert.Equal(120, progress.Reports.Count);
        Assert.All(progress.Reports.Zip(progress.Reports.Skip(1)), pair =>
            Assert.True(pair.Second.Completed > pair.First.Completed && pair.Second.Failed >= pair.First.Failed, $"{pair.First} then {pair.Second}"));
        Assert.Equal(new BatchProgress(120, 120, 12), progress.Reports[^1]);
    }

    private sealed class OnFirstReport(Action action) : IProgress<BatchProgress>
    {
        private int _reports;

        public void Report(BatchProgress value)
        {
            if (Interlocked.Increment(ref _reports) == 1)
            {
                action();
            }
        }
    }

    [Theory]
    [InlineData(false, false, null)]
    [InlineData(true, false, null)]
    [InlineData(false, true, null)]
    [InlineData(true, false, "1")] // a retired version asked for by number used to abort the batch with KeyNotFoundException
    [InlineData(true, false, "champion")]
    public async Task A_promotion_or_retirement_during_the_batch_leaves_every_score_on_the_version_it_started_with(bool retire, bool contributions, string? version)
    {
        _packages.WriteConstantVersion("m", 1);
        _packages.WriteConstantVersion("m", 2);
        var nameDirectory = Path.Combine(_packages.ModelsRoot, "m");
        ModelAliases.Set(nameDirectory, "champion", "1");
        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false });
        var drivers = Drivers(40);

        // After the first chunk a nightly promotion serves version 2; with retire, version 1 is also removed from disk.
        var progress = new OnFirstReport(() =>
        {
            registry.Promote("m", "2");
            if (retire)
            {
                Directory.Delete(Path.Combine(nameDirectory, "1"), recursive: true);
                Assert.Equal(["m@1"], registry.Reload().Removed);
            }
        });
        var result = await new BatchScorer(new RiskScorer(registry)).ScoreAsync(
            drivers, new BatchScoreOptions { Model = "m", ModelVersion = version, ChunkSize = 5, MaxDegreeOfParallelism = 1, IncludeContributions = contributions }, progress);

        Assert.Empty(result.Failures);
        Assert.All(result.Scores, s => Assert.Equal("1", s!.ModelVersion));
        Assert.Equal(new Dictionary<string, int> { ["m@1"] = 40 }, result.Summary.ByModelVersion);
        using var served = registry.Acquire("m");
        Assert.Equal("2", served.Package.Version);
    }

    [Fact]
    public async Task One_bad_driver_is_reported_and_the_rest_are_scored()
    {
        var drivers = Drivers(50);
        drivers[17] = new DriverFeatures("broken", new float[3]);

        var result = await new BatchScorer(new RiskScorer(_builtInOnly)).ScoreAsync(drivers, new BatchScoreOptions { ChunkSize = 8 });

        var failure = Assert.Single(result.Failures);
        Assert.Equal((17, "broken"), (failure.Index, failure.DriverId));
        Assert.Contains("3 features", failure.Message, StringComparison.Ordinal);
        Assert.Null(result.Scores[17]);
        Assert.Equal(49, result.Scores.Count(s => s is not null));
        Assert.Equal(1, result.Summary.Failures);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_driver_without_trips_is_a_failure_not_the_safest_driver(bool contributions)
    {
        var drivers = Drivers(20);
        drivers[5] = new DriverFeatures("empty", new float[Schema.Count]);
        var nothingKnown = new float[Schema.Count];
        Array.Fill(nothingKnown, float.NaN);
        nothingKnown[Schema.IndexOf(TelematicsFeatures.TripCount)] = 0;
        drivers[9] = new DriverFeatures("blank", nothingKnown);

        var result = await new BatchScorer(new RiskScorer(_builtInOnly)).ScoreAsync(drivers, new BatchScoreOptions { ChunkSize = 8, IncludeContributions = contributions });

        // Scored, its zeros gave 2.39, "excellent".
        Assert.Equal([(5, "empty"), (9, "blank")], result.Failures.Select(f => (f.Index, f.DriverId)));
        Assert.All(result.Failures, f => Assert.Contains($"Driver '{f.DriverId}' has no trips", f.Message, StringComparison.Ordinal));
        Assert.Equal(18, result.Scores.Count(s => s is not null));
    }

    [Fact]
    public async Task A_driver_of_whom_nothing_is_known_is_a_failure_not_the_typical_driver()
    {
        var drivers = Drivers(6);
        // A features row left blank: trip_count and distance_km missing like the rest.
        var blank = new float[Schema.Count];
        Array.Fill(blank, float.NaN);
        drivers[2] = new DriverFeatures("blank", blank);
        // Habits without totals (a what-if) still show driving.
        var habits = (float[])blank.Clone();
        habits[Schema.IndexOf(TelematicsFeatures.NightShare)] = 0.1f;
        drivers[4] = new DriverFeatures("habits", habits);

        var result = await new BatchScorer(new RiskScorer(_builtInOnly)).ScoreAsync(drivers, new BatchScoreOptions { IncludeContributions = true });

        // Scored, its blanks were imputed as the typical driver.
        Assert.Equal([(2, "blank")], result.Failures.Select(f => (f.Index, f.DriverId)));
        Assert.Contains("Driver 'blank' has no trips", result.Failures[0].Message, StringComparison.Ordinal);
        Assert.NotNull(result.Scores[4]);
        Assert.True(TelematicsFeatures.ShowsNoDriving(blank));
    }

    [Fact]
    public async Task Drivers_a_model_returns_nan_for_fail_alone()
    {
        var manifest = TestPackages.TreeClassifierManifest("nan-model");
        manifest["output"] = new JsonObject { ["name"] = "variable", ["kind"] = "score" };
        manifest["calibration"] = new JsonObject { ["kind"] = "logistic" };
        _packages.WriteFolder(Path.Combine("models", "nan-model", "1"), manifest, TestOnnxModels.NaNOnZero());
        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false });
        var drivers = Drivers(20);
        var zero = (float[])drivers[4].Features.ToArray().Clone();
        zero[Schema.IndexOf(TelematicsFeatures.HarshBrakingPer100Km)] = 0f;
        drivers[4] = drivers[4] with { Features = zero };

        var result = await new BatchScorer(new RiskScorer(registry)).ScoreAsync(drivers, new BatchScoreOptions { Model = "nan-model", ChunkSize = 6 });

        var failure = Assert.Single(result.Failures);
        Assert.Equal(4, failure.Index);
        Assert.Contains("NaN", failure.Message, StringComparison.Ordinal);
        Assert.Equal(19, result.Summary.ByModelVersion["nan-model@1"]);
    }

    [Fact]
    public async Task Contributions_are_included_when_asked()
    {
        var result = await new BatchScorer(new RiskScorer(_builtInOnly)).ScoreAsync(Drivers(10), new BatchScoreOptions { IncludeContributions = true });

        Assert.All(result.Scores, s => Assert.Equal(s!.Score - s.ReferenceScore, s.Contributions.Sum(c => c.Points), 9));
    }

    [Fact]
    public async Task Experiment_assignment_is_carried_per_driver()
    {
        var drivers = Drivers(3);
        drivers[1] = drivers[1] with { Experiment = new ExperimentVariantLabel("e1", "b") };

        var result = await new BatchScorer(new RiskScorer(_builtInOnly)).ScoreAsync(drivers);

        Assert.Equal(new ExperimentVariantLabel("e1", "b"), result.Scores[1]!.Experiment);
        Assert.Null(result.Scores[0]!.Experiment);
    }

    [Fact]
    public async Task Cancelled_batch_throws_operation_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new BatchScorer(new RiskScorer(_builtInOnly)).ScoreAsync(Drivers(100), cancellationToken: cancel.Token));
    }
}
