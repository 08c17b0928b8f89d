using Telematics.Scoring.MLNet.Tests.TestModels;
using Telematics.Scoring.Packaging;

namespace Telematics.Scoring.MLNet.Tests;

public sealed class MLNetRiskModelTests : IDisposable
{
    private static readonly IModelKindLoader[] Loaders = [new MLNetModelLoader()];
    private readonly MLNetPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    [Fact]
    public void Regression_on_a_vector_column_scores_what_the_model_transform_gives()
    {
        using var package = Load(MLNetTestModels.Regression);
        var rows = MLNetTestModels.Rows(300, seed: 21);
        var expected = MLNetTestModels.Transform(MLNetTestModels.Regression, rows);

        var scores = new float[300];
        package.Model.Score(rows, scores);

        AssertClose(expected, scores);
        Assert.Equal("Score", ((MLNetRiskModel)package.Model).OutputName);
    }

    [Fact]
    public void Binary_classifier_on_named_scalar_columns_scores_its_probability_as_the_model_transform_gives()
    {
        using var package = Load(MLNetTestModels.Binary);
        var rows = MLNetTestModels.Rows(300, seed: 22);
        var expected = MLNetTestModels.Transform(MLNetTestModels.Binary, rows);

        var scores = new float[300];
        package.Model.Score(rows, scores);

        AssertClose(expected, scores);
        Assert.All(scores, p => Assert.InRange(p, 0f, 1f));
    }

    [Fact]
    public void Trained_relation_shows_in_the_scores_riskier_rows_score_higher()
    {
        using var package = Load(MLNetTestModels.Regression);
        float[] careful = [0.02f, 0.01f, 0.5f, 0.1f];
        float[] risky = [0.45f, 0.25f, 9f, 5f];
        var scores = new float[2];

        package.Model.Score([.. careful, .. risky], scores);

        Assert.True(scores[1] > scores[0] + 2, $"risky {scores[1]} should exceed careful {scores[0]} by the trained margin");
    }

    [Fact]
    public void Eight_threads_scoring_at_once_get_the_single_threaded_results()
    {
        using var package = Load(MLNetTestModels.Binary);
        var rows = MLNetTestModels.Rows(200, seed: 23);
        var expected = new float[200];
        package.Model.Score(rows, expected);

        var results = new float[8][];
        using var start = new Barrier(8);
        var threads = new Thread[8];
        for (var t = 0; t < threads.Length; t++)
        {
            var index = t;
            threads[t] = new Thread(() =>
            {
                start.SignalAndWait();
                var mine = new float[200];
                for (var repeat = 0; repeat < 20; repeat++)
                {
                    // Single rows and whole batches interleave across threads on the shared pool.
                    for (var r = 0; r < 200; r++)
                    {
                        package.Model.Score(rows.AsSpan(r * 4, 4), mine.AsSpan(r, 1));
                    }

                    Assert.Equal(expected, mine);
                    package.Model.Score(rows, mine);
                    Assert.Equal(expected, mine);
                }

                results[index] = mine;
            });
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void Scoring_allocates_nothing_once_the_engine_pool_is_warm()
    {
        using var package = Load(MLNetTestModels.Regression);
        var rows = MLNetTestModels.Rows(64, seed: 24);
        var scores = new float[64];
        package.Model.Score(rows, scores);
        package.Model.Score(rows.AsSpan(0, 4), scores.AsSpan(0, 1));

        // The least of five measurements: an allocation of the scoring shows in every one, while the runtime's own
        // occasional work on this thread (a method recompiled by tiered compilation on a busy machine) in one at most.
        var allocated = Allocations.LeastOf(5, () =>
        {
            for (var i = 0; i < 10; i++)
            {
                package.Model.Score(rows, scores);
                package.Model.Score(rows.AsSpan(4 * i, 4), scores.AsSpan(i, 1));
            }
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Rows_and_outputs_of_different_lengths_are_refused()
    {
        using var package = Load(MLNetTestModels.Regression);

        var error = Assert.Throws<ArgumentException>(() => package.Model.Score(new float[7], new float[2]));

        Assert.Contains("2 rows × 4 inputs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disposed_model_refuses_to_score()
    {
        var package = Load(MLNetTestModels.Regression);
        package.Dispose();

        Assert.Throws<ObjectDisposedException>(() => package.Model.Score(new float[4], new float[1]));
    }

    private ModelPackage Load(TrainedModel model)
    {
        var dir = _packages.WriteFolder(Guid.NewGuid().ToString("N"), MLNetPackages.Manifest(model), model.Zip);
        return ModelPackageLoader.Load(dir, loaders: Loaders);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-6, $"row {i}: Transform gave {expected[i]}, the SDK {actual[i]}");
        }
    }
}
