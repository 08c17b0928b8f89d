using Telematics.Scoring.Experiments;
using Telematics.Scoring.Pricing;

namespace Telematics.Scoring.Tests.Json;

/// <summary>
/// The JSON files are read through source-generated contracts; what System.Text.Json reports when a file does not fit
/// is turned into the field's path and a problem in our words, with what was expected, what was found and the line.
/// </summary>
public sealed class JsonContractErrorTests
{
    private const string Plan = """
        {
          "name": "p", "currency": "EUR",
          "rounding": { "decimals": 2 },
          "base_rate": { "default": 500 },
          "risk_multiplier": { "kind": "exponential", "k": 0.5 }
        }
        """;

    [Theory]
    [InlineData("\"decimals\": 2", "\"decimals\": \"two\"", "rounding.decimals", "must be a whole number; found \"two\" (line 3).")]
    [InlineData("\"decimals\": 2", "\"decimals\": 2.5", "rounding.decimals", "must be a whole number; found 2.5 (line 3).")]
    [InlineData("\"default\": 500", "\"default\": [500]", "base_rate.default", "must be a number; found an array (line 4).")]
    [InlineData("\"rounding\": { \"decimals\": 2 }", "\"rounding\": 2", "rounding", "must be a JSON object; found 2 (line 3).")]
    [InlineData("\"default\": 500", "\"default\": 500, \"default\": 600", "base_rate.default", "is given twice (line 4).")]
    [InlineData("\"default\": 500", "\"default\": 500, \"regions\": { \"FR-75\": 1, \"FR-75\": 2 }", "base_rate.regions.FR-75", "is given twice (line 4).")]
    [InlineData("\"decimals\": 2", "\"decimals\": 2, \"scale\": 1", "rounding.scale", "is not a known property (expected decimals, mode) (line 3).")]
    public void A_value_that_does_not_fit_the_contract_is_named_with_what_was_expected_and_found(string find, string replace, string field, string problem)
    {
        var error = Assert.Throws<PricingPlanException>(() => PricingPlanJson.Parse(Plan.Replace(find, replace, StringComparison.Ordinal)));

        Assert.Equal(field, error.Field);
        Assert.Equal(problem, error.Problem);
    }

    [Fact]
    public void Text_that_is_not_json_is_refused_as_the_document_with_its_line()
    {
        var error = Assert.Throws<PricingPlanException>(() => PricingPlanJson.Parse("{\n  \"name\": \"p\",\n  \"currency\" \"EUR\"\n}"));

        Assert.Equal("$", error.Field);
        Assert.StartsWith("is not valid JSON (line 3): ", error.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_experiment_names_the_variant_and_bucket_that_do_not_fit()
    {
        var error = Assert.Throws<ExperimentDefinitionException>(() => ExperimentJson.Parse(
            """{ "name": "e", "salt": "s", "variants": [ { "name": "a", "model": "m", "weight_bp": 10000, "buckets": [[0, "x"]] } ] }"""));

        Assert.Equal("variants[0].buckets[0][1]", error.Field);
        Assert.StartsWith("must be a whole number; found \"x\"", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_variant_property_lists_the_known_ones()
    {
        var error = Assert.Throws<ExperimentDefinitionException>(() => ExperimentJson.Parse(
            """{ "name": "e", "salt": "s", "variants": [ { "name": "a", "model": "m", "weight": 10000 } ] }"""));

        Assert.Equal("variants[0].weight", error.Field);
        Assert.StartsWith("is not a known property (expected name, model, weight_bp, shadow, buckets)", error.Problem, StringComparison.Ordinal);
    }
}
