using System.CommandLine;
using Telematics.Cli;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Pricing;

public sealed class PriceCommandTests
{
    private static readonly string Plan = Path.Combine(RepositoryRoot.Path, "docs", "pricing", "ubi-standard-2027.json");
    private static readonly string RelativityPlan = Path.Combine(RepositoryRoot.Path, "docs", "pricing", "ubi-relativity-2027.json");

    [Fact]
    public async Task Price_prints_the_premium_and_every_step_of_the_breakdown()
    {
        var (exit, output, _) = await Run("price", "--plan", Plan, "--score", "50", "--km", "12000", "--region", "FR-75",
            "--feature", "night_share=0.02", "--feature", "phone_minutes_per_hour=0.2", "--feature", "harsh_braking_per_100km=0.5");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.StartsWith("ubi-standard-2027: 663.00 EUR a year (2 decimal places, half-even)", output, StringComparison.Ordinal);
        Assert.Contains("discount:no_phone", output, StringComparison.Ordinal);
        Assert.Contains("discount_cap", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_plan_exits_with_the_input_error_code_and_names_the_field()
    {
        var path = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """
            { "name": "p", "currency": "euro", "rounding": { "decimals": 2 }, "base_rate": { "default": 500 },
              "risk_multiplier": { "kind": "exponential", "k": 0.5 } }
            """);
        try
        {
            var (exit, _, error) = await Run("price", "--plan", path, "--score", "50", "--km", "1000");

            Assert.Equal(ExitCodes.InputError, exit);
            Assert.Contains("currency:", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_score_out_of_range_is_a_usage_error()
    {
        var (exit, _, error) = await Run("price", "--plan", Plan, "--score", "120", "--km", "1000");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--score", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_feature_is_a_usage_error()
    {
        var (exit, _, error) = await Run("price", "--plan", Plan, "--score", "50", "--km", "1000", "--feature", "night_share");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("name=value", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_plan_file_is_an_input_error_naming_the_option_and_the_file()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-plan-{Guid.NewGuid():N}.json");

        var (exit, _, error) = await Run("price", "--plan", missing, "--score", "50", "--km", "1000");

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.StartsWith($"--plan {missing}: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relativity_plan_prices_the_frequency_over_the_observed_days_in_the_drivers_classical_cell()
    {
        var (exit, output, error) = await Run("price", "--plan", RelativityPlan, "--score", "30", "--km", "9000", "--region", "FR-75",
            "--age-band", "under25", "--vehicle-class", "small", "--frequency", "0.075", "--observed-days", "2");

        Assert.True(exit == ExitCodes.Success, error);
        Assert.StartsWith("ubi-relativity-2027: ", output, StringComparison.Ordinal);
        Assert.Contains("base rate of region FR-75", output, StringComparison.Ordinal);
        Assert.Contains("age band under25 → factor 2.2366", output, StringComparison.Ordinal);
        // The cell's mean, not the book's: under25/small is 0.15018 in the plan.
        Assert.Contains("model frequency 0.075 / mean of cell */under25/small 0.15018", output, StringComparison.Ordinal);
        // Two days of driving: credibility 2 / (2 + 60), so the price stays near the classical one.
        Assert.Contains("2 observed days, credibility 0.032 = d/(d+60)", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "", "--frequency: plan ubi-relativity-2027 prices the model's claim frequency")]
    [InlineData(true, "--frequency 0.1", "--observed-days: plan ubi-relativity-2027 credits the frequency")]
    [InlineData(false, "--frequency 0.1 --observed-days 30", "--frequency: plan ubi-standard-2027 prices the risk score")]
    public async Task A_frequency_left_out_of_a_relativity_plan_or_given_to_a_score_plan_is_a_usage_error_saying_so(bool relativity, string extra, string message)
    {
        var (exit, _, error) = await Run(["price", "--plan", relativity ? RelativityPlan : Plan, "--score", "30", "--km", "9000", .. extra.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--age-band", "18_24", "--age-band '18_24': not an age band (one of under25, 25_39, 40_64, over65)")]
    [InlineData("--vehicle-class", "SUV", "--vehicle-class 'SUV': not a vehicle class (one of small, family, suv, performance)")]
    [InlineData("--feature", "nite_share=0.1", "--feature 'nite_share=0.1': 'nite_share' is not a feature of telematics@1")]
    public async Task A_code_or_feature_the_plan_cannot_read_is_a_usage_error_naming_it(string option, string value, string message)
    {
        var (exit, _, error) = await Run("price", "--plan", Plan, "--score", "30", "--km", "9000", option, value);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApp.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
