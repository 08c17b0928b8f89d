using System.CommandLine;
using System.Globalization;
using Telematics.Testing;

namespace Telematics.Cli.Tests;

/// <summary>The tool reads and writes numbers one way whatever the machine's locale.</summary>
public sealed class MachineCultureTests
{
    private static readonly string RelativityPlan = Path.Combine(RepositoryRoot.Path, "docs", "pricing", "ubi-relativity-2027.json");

    [Theory]
    [InlineData("de-DE")] // '.' is a thousands separator: 0.075 was read as 75
    [InlineData("fr-FR")] // '.' is not a number at all: the framework refused every documented example
    public async Task A_decimal_option_means_the_same_on_a_machine_with_another_decimal_separator(string culture)
    {
        string[] args = ["price", "--plan", RelativityPlan, "--score", "42.5", "--km", "9000", "--region", "FR-75",
            "--age-band", "under25", "--vehicle-class", "small", "--frequency", "0.075", "--observed-days", "2"];
        var invariant = await RunAsync(args);

        var saved = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        (int Exit, string Output, string Error) local;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            local = await RunAsync(args);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = saved;
        }

        Assert.True(invariant.Exit == ExitCodes.Success, invariant.Error);
        Assert.True(local.Exit == ExitCodes.Success, local.Error);
        Assert.Contains("model frequency 0.075 ", local.Output, StringComparison.Ordinal);
        Assert.Equal(invariant.Output, local.Output);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApp.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
