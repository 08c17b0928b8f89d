using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Scoring.Experiments;

namespace Telematics.Scoring.Tests.Experiments;

public sealed class ExperimentDefinitionTests
{
    private static readonly ModelReference Champion = ModelReference.Parse("champion");
    private static readonly ModelReference Gbm = ModelReference.Parse("risk-gbm@3.0.0");
    private static readonly ModelReference Nn = ModelReference.Parse("risk-nn@0.4.0");

    private static ExperimentDefinition NinetyTen() => new("risk-2026q4", "q4-7f3a",
    [
        new ExperimentVariant("control", Champion, 9_000),
        new ExperimentVariant("gbm", Gbm, 1_000),
        ExperimentVariant.Shadow("nn_shadow", Nn),
    ]);

    [Fact]
    public void Assignment_names_the_experiment_the_served_variant_and_the_shadows()
    {
        var assignment = NinetyTen().Assign("driver-000001");

        Assert.Equal("risk-2026q4", assignment.ExperimentName);
        Assert.Equal("control", assignment.VariantName); // bucket 727 < 9000
        Assert.Equal(727, assignment.Bucket);
        Assert.Equal(Champion, assignment.Model);
        Assert.Equal("nn_shadow", Assert.Single(assignment.ShadowVariants).Name);
    }

    [Fact]
    public void Variants_without_ranges_are_laid_out_contiguously_in_declaration_order()
    {
        var experiment = NinetyTen();
        Assert.Equal([new BucketRange(0, 9_000)], experiment.BucketsOf("control"));
        Assert.Equal([new BucketRange(9_000, 10_000)], experiment.BucketsOf("gbm"));
        Assert.Equal("gbm", experiment.VariantOfBucket(9_000).Name);
    }

    [Fact]
    public void Shadow_variants_are_never_served()
    {
        var experiment = NinetyTen();
        for (var i = 0; i < 20_000; i++)
        {
            Assert.False(experiment.Assign($"d{i}").Variant.IsShadow);
        }
    }

    [Fact]
    public void Served_shares_follow_the_weights()
    {
        var experiment = NinetyTen();
        var gbm = 0;
        const int drivers = 100_000;
        for (var i = 0; i < drivers; i++)
        {
            gbm += experiment.Assign($"driver-{i:D6}").VariantName == "gbm" ? 1 : 0;
        }

        // Expected 10 000; the binomial standard deviation is 95, so ±600 is over six of them.
        Assert.InRange(gbm, 9_400, 10_600);
    }

    [Fact]
    public void Assigning_allocates_nothing()
    {
        var experiment = NinetyTen();
        var ids = new string[1_000];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = $"driver-{i:D6}";
        }

        var sum = 0;
        sum += experiment.Assign(ids[0]).Bucket; // warm-up: first call may JIT
        var allocated = Allocations.LeastOf(5, () =>
        {
            foreach (var id in ids)
            {
                sum += experiment.Assign(id).Bucket;
            }
        });
        Assert.Equal(0, allocated);
        Assert.True(sum > 0);
    }

    [Theory]
    [InlineData(9_000, 999, "variants", "sum to 9999")]
    [InlineData(10_000, -1, "variants[1].weight_bp", "-1 is outside")]
    public void Weights_that_do_not_sum_to_ten_thousand_are_refused(int first, int second, string field, string fragment)
    {
        var error = Assert.Throws<ExperimentDefinitionException>(() => new ExperimentDefinition("e", "s",
            [new ExperimentVariant("a", Champion, first), new ExperimentVariant("b", Gbm, second)]));
        Assert.Equal(field, error.Field);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_variant_names_are_refused()
    {
        var error = Assert.Throws<ExperimentDefinitionException>(() => new ExperimentDefinition("e", "s",
            [new ExperimentVariant("a", Champion, 5_000), new ExperimentVariant("a", Gbm, 5_000)]));
        Assert.Equal("variants[1].name", error.Field);
    }

    [Fact]
    public void An_experiment_of_only_shadows_is_refused()
    {
        var error = Assert.Throws<ExperimentDefinitionException>(() => new ExperimentDefinition("e", "s", [ExperimentVariant.Shadow("a", Nn)]));
        Assert.Contains("served", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_salt_is_refused() =>
        Assert.Equal("salt", Assert.Throws<ExperimentDefinitionException>(() =>
            new ExperimentDefinition("e", "", [new ExperimentVariant("a", Champion, 10_000)])).Field);

    [Fact]
    public void Overlapping_ranges_are_refused()
    {
        var error = Assert.Throws<ExperimentDefinitionException>(() => new ExperimentDefinition("e", "s",
        [
            new ExperimentVariant("a", Champion, 5_000, [new BucketRange(0, 5_000)]),
            new ExperimentVariant("b", Gbm, 5_000, [new BucketRange(4_999, 9_999)]),
        ]));
        Assert.Equal("variants[1].buckets[0]", error.Field);
        Assert.Contains("bucket 4999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ranges_must_cover_exactly_the_weight()
    {
        var error = Assert.Throws<ExperimentDefinitionException>(() => new ExperimentDefinition("e", "s",
        [
            new ExperimentVariant("a", Champion, 5_000, [new BucketRange(0, 4_000)]),
            new ExperimentVariant("b", Gbm, 5_000, [new BucketRange(4_000, 10_000)]),
        ]));
        Assert.Equal("variants[0].buckets", error.Field);
    }

    [Fact]
    public void Ranges_on_only_some_served_variants_are_refused()
    {
        var error = Assert.Throws<ExperimentDefinitionException>(() => new ExperimentDefinition("e", "s",
        [
            new ExperimentVariant("a", Champion, 5_000, [new BucketRange(0, 5_000)]),
            new ExperimentVariant("b", Gbm, 5_000),
        ]));
        Assert.Equal("variants[1].buckets", error.Field);
    }

    [Fact]
    public void Ramping_a_variant_up_moves_only_the_added_share_of_drivers()
    {
        var before = NinetyTen();
        var after = before.Reweight(new Dictionary<string, int> { ["control"] = 8_000, ["gbm"] = 2_000 });

        var moved = 0;
        for (var i = 0; i < 50_000; i++)
        {
            var id = $"driver-{i}";
            var was = before.Assign(id).VariantName;
            var now = after.Assign(id).VariantName;
            if (was != now)
            {
                moved++;
                Assert.Equal(("control", "gbm"), (was, now));
            }
        }

        Assert.InRange(moved, 4_500, 5_500); // 10 % of 50 000, binomial sd 67
    }

    [Fact]
    public void Reweighting_an_unknown_variant_is_refused() =>
        Assert.Equal("weights.nope", Assert.Throws<ExperimentDefinitionException>(() =>
            NinetyTen().Reweight(new Dictionary<string, int> { ["nope"] = 1 })).Field);

    [Property(Arbitrary = [typeof(Arbitraries)])]
    public Property Each_served_variant_owns_exactly_its_weight_in_buckets(Weights weights)
    {
        var experiment = Build(weights.Values);
        var owned = new int[weights.Values.Length];
        for (var b = 0; b < ExperimentBuckets.Count; b++)
        {
            owned[int.Parse(experiment.VariantOfBucket(b).Name.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)]++;
        }

        return owned.SequenceEqual(weights.Values).ToProperty();
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 200)]
    public Property Reweighting_moves_the_minimum_and_only_from_shrinking_to_growing_variants(WeightChange change)
    {
        var before = Build(change.Before);
        var after = before.Reweight(change.After.Select((w, i) => (w, i)).ToDictionary(x => $"v{x.i}", x => x.w));

        var moved = 0;
        var onlyShrinkToGrow = true;
        for (var b = 0; b < ExperimentBuckets.Count; b++)
        {
            var from = Index(before.VariantOfBucket(b));
            var to = Index(after.VariantOfBucket(b));
            if (from != to)
            {
                moved++;
                onlyShrinkToGrow &= change.After[from] < change.Before[from] && change.After[to] > change.Before[to];
            }
        }

        var minimum = change.Before.Zip(change.After, (b, a) => Math.Max(0, a - b)).Sum();
        return (moved == minimum && onlyShrinkToGrow).Label($"moved {moved}, minimum {minimum}");
    }

    private static int Index(ExperimentVariant variant) =>
        int.Parse(variant.Name.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);

    private static ExperimentDefinition Build(int[] weights) =>
        new("prop", "salt", weights.Select((w, i) => new ExperimentVariant($"v{i}", Champion, w)));

    public sealed record Weights(int[] Values);

    public sealed record WeightChange(int[] Before, int[] After);

    public static class Arbitraries
    {
        private static Gen<int[]> WeightsOf(int count) =>
            Gen.Choose(0, ExperimentBuckets.Count).ArrayOf(count - 1).Select(cuts =>
            {
                var points = cuts.Append(0).Append(ExperimentBuckets.Count).Order().ToArray();
                var weights = new int[count];
                for (var i = 0; i < count; i++)
                {
                    weights[i] = points[i + 1] - points[i];
                }

                return weights;
            });

        public static Arbitrary<Weights> Weights() =>
            Gen.Choose(1, 6).SelectMany(WeightsOf).Select(w => new Weights(w)).ToArbitrary();

        public static Arbitrary<WeightChange> WeightChanges() =>
            Gen.Choose(1, 6).SelectMany(n => WeightsOf(n).Zip(WeightsOf(n)))
                .Select(pair => new WeightChange(pair.Item1, pair.Item2)).ToArbitrary();
    }
}
