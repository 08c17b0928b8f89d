using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Scoring.Experiments;

namespace Telematics.Scoring.Tests.Experiments;

public sealed class ExperimentBucketsTests
{
    // Computed once with the reference C library (libxxhash 0.8.1, XXH3_64bits_withSeed) following the
    // documented canonical form, so a change of encoding, seed derivation or bucket mapping fails here.
    [Theory]
    [InlineData("q4-7f3a", "driver-000001", 727)]
    [InlineData("q4-7f3a", "driver-000002", 2144)]
    [InlineData("q4-7f3a", "D-42", 2588)]
    [InlineData("salt", "é-conducteur", 2269)]
    [InlineData("risk-2026", "00000000-0000-0000-0000-000000000001", 5137)]
    public void Buckets_match_values_computed_once_with_the_reference_xxhash_library(string salt, string driverId, int expected) =>
        Assert.Equal(expected, ExperimentBuckets.Compute(salt, driverId));

    [Fact]
    public void Long_driver_ids_hash_the_same_way_as_short_ones() =>
        Assert.Equal(5053, ExperimentBuckets.Compute("x", new string('a', 300)));

    [Fact]
    public void Salt_seed_matches_the_reference_library() =>
        Assert.Equal(17718105973602896742UL, ExperimentBuckets.SeedFromSalt("q4-7f3a"));

    [Property]
    public Property A_driver_always_lands_in_the_same_bucket_within_range(NonEmptyString salt, NonEmptyString driverId)
    {
        var s = Sanitize(salt.Get);
        var d = Sanitize(driverId.Get);
        var first = ExperimentBuckets.Compute(s, d);
        var second = ExperimentBuckets.Compute(ExperimentBuckets.SeedFromSalt(new string(s.AsSpan())), new string(d.AsSpan()));
        return (first == second && first is >= 0 and < ExperimentBuckets.Count).ToProperty();
    }

    [Fact]
    public void A_lone_surrogate_is_refused_instead_of_being_replaced()
    {
        var error = Assert.Throws<ArgumentException>(() => ExperimentBuckets.Compute("salt", "driver\uD800"));
        Assert.Equal("driverId", error.ParamName);
    }

    [Fact]
    public void An_empty_driver_id_is_refused() =>
        Assert.Throws<ArgumentException>(() => ExperimentBuckets.Compute("salt", ""));

    [Fact]
    public void Buckets_spread_evenly_over_many_drivers()
    {
        var seed = ExperimentBuckets.SeedFromSalt("spread");
        var lowerHalf = 0;
        const int drivers = 100_000;
        for (var i = 0; i < drivers; i++)
        {
            lowerHalf += ExperimentBuckets.Compute(seed, $"driver-{i}") < ExperimentBuckets.Count / 2 ? 1 : 0;
        }

        // Binomial(100 000, 0.5) has a standard deviation of 158; 1 000 is over six of them.
        Assert.InRange(lowerHalf, (drivers / 2) - 1_000, (drivers / 2) + 1_000);
    }

    // Lone surrogates are refused by design (tested above); the property covers every other string.
    private static string Sanitize(string value)
    {
        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsSurrogate(chars[i]))
            {
                chars[i] = 'x';
            }
        }

        return new string(chars);
    }
}
