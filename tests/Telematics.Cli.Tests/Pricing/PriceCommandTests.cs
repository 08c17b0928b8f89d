using System.CommandLine;
using Telematics.Cli;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Pricing;

public sealed class PriceCommandTests
{
    private static readonly string Plan = Path.Combine(RepositoryRoot.Path, "docs", "pricing", "ubi-standard-2027.json");

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

    private static async Task<(int Exit, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApp.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
