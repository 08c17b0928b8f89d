using FsCheck;
using FsCheck.Xunit;
using Telematics.Features.Schema;
using Telematics.Scoring.Contributions;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Contributions;

public sealed class TreeEnsembleTests
{
    [Fact]
    public void Shapley_values_equal_brute_force_over_all_feature_subsets_for_random_trees()
    {
        for (var seed = 1; seed <= 40; seed++)
        {
            var trees = Read(RandomTrees.Regressor(seed));
            var random = new Random(seed * 7919);
            for (var pair = 0; pair < 10; pair++)
            {
                var row = RandomTrees.Row(random);
                var reference = RandomTrees.Row(random);
                var phi = new double[row.Length];

                trees.Shapley(row, reference, phi);

                var expected = BruteForceShapley(trees, row, reference);
                for (var i = 0; i < phi.Length; i++)
                {
                    Assert.True(Math.Abs(expected[i] - phi[i]) < 1e-9, $"seed {seed}, pair {pair}, feature {i}: brute force {expected[i]}, TreeSHAP {phi[i]}");
                }
            }
        }
    }

    [Fact]
    public void Shapley_values_of_the_test_generators_tree_classifier_equal_brute_force()
    {
        using var model = OnnxRiskModel.Load(TestOnnxModels.TreeClassifier(), TelematicsFeatures.Schema,
            new OnnxModelSpec { Features = TestOnnxModels.Features, OutputName = "output_probability" });
        var trees = Assert.IsType<TreeEnsemble>(model.Trees);
        float[] row = [3f, 12f, 0.2f];
        float[] reference = [1f, 5f, 0.8f];
        var phi = new double[3];

        trees.Shapley(row, reference, phi);

        // t0 moves 0.1 → 0.6 (x0 decides, x2 only matters once x0 is on the driver's side); t1 moves 0.2 → 0.8 by x1 alone.
        var expected = BruteForceShapley(trees, row, reference);
        Assert.Equal(expected, phi, (a, b) => Math.Abs(a - b) < 1e-12);
        // The leaf weights are floats (0.5·p rounded), hence 6 places.
        Assert.Equal(0.5 * (0.6 - 0.1), phi[0] + phi[2], 6);
        Assert.Equal(0.5 * (0.8 - 0.2), phi[1], 6);
    }

    [Property(MaxTest = 200)]
    public bool Shapley_values_sum_to_the_margin_difference(PositiveInt seed, NonNegativeInt rows)
    {
        var trees = Read(RandomTrees.Regressor(seed.Get % 50));
        var random = new Random(rows.Get);
        var row = RandomTrees.Row(random);
        var reference = RandomTrees.Row(random);
        var phi = new double[row.Length];

        trees.Shapley(row, reference, phi);

        return Math.Abs(phi.Sum() - (trees.Margin(row) - trees.Margin(reference))) < 1e-9;
    }

    [Fact]
    public void Row_equal_to_the_reference_gets_zero_for_every_feature()
    {
        var trees = Read(RandomTrees.Regressor(3));
        var row = RandomTrees.Row(new Random(3));
        var phi = new double[row.Length];

        trees.Shapley(row, row, phi);

        Assert.All(phi, p => Assert.Equal(0, p));
    }

    [Fact]
    public void Feature_no_tree_splits_on_gets_zero()
    {
        var trees = Read(RandomTrees.Regressor(11));
        var used = trees.Splits().Select(s => s.Feature).ToHashSet();
        var random = new Random(5);
        var row = RandomTrees.Row(random);
        var reference = RandomTrees.Row(random);
        var phi = new double[row.Length];

        trees.Shapley(row, reference, phi);

        for (var i = 0; i < phi.Length; i++)
        {
            if (!used.Contains(i))
            {
                Assert.Equal(0, phi[i]);
            }
        }
    }

    private static TreeEnsemble Read(byte[] onnx)
    {
        // Loading through ONNX Runtime also checks the ensemble's evaluation against ONNX Runtime's on probe rows.
        using var model = OnnxRiskModel.Load(onnx, TelematicsFeatures.Schema, new OnnxModelSpec { Features = RandomTrees.Features, OutputName = "variable" });
        return model.Trees ?? throw new InvalidOperationException("The random ensemble did not verify against ONNX Runtime.");
    }

    /// <summary>φᵢ = Σ over S ⊆ N∖{i} of |S|!·(n−|S|−1)!/n! · (v(S ∪ {i}) − v(S)), v(S) = margin(row on S, reference elsewhere).</summary>
    private static double[] BruteForceShapley(TreeEnsemble trees, float[] row, float[] reference)
    {
        var n = row.Length;
        var phi = new double[n];
        var mixed = new float[n];
        for (var i = 0; i < n; i++)
        {
            for (var subset = 0; subset < 1 << n; subset++)
            {
                if ((subset & (1 << i)) != 0)
                {
                    continue;
                }

                var size = System.Numerics.BitOperations.PopCount((uint)subset);
                var weight = Factorial(size) * Factorial(n - size - 1) / Factorial(n);
                phi[i] += weight * (Value(subset | (1 << i)) - Value(subset));
            }
        }

        return phi;

        double Value(int subset)
        {
            for (var f = 0; f < n; f++)
            {
                mixed[f] = (subset & (1 << f)) != 0 ? row[f] : reference[f];
            }

            return trees.Margin(mixed);
        }
    }

    private static double Factorial(int k)
    {
        var result = 1.0;
        for (var i = 2; i <= k; i++)
        {
            result *= i;
        }

        return result;
    }
}
