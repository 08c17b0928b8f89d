using System.CommandLine;
using Telematics.Cli;

namespace Telematics.Cli.Tests;

public sealed class ExitCodesTests
{
    [Fact]
    public async Task Exit_codes_command_lists_every_code_and_succeeds()
    {
        var output = new StringWriter();
        var exit = await CliApp.Build().Parse(["exit-codes"]).InvokeAsync(new InvocationConfiguration { Output = output });

        Assert.Equal(ExitCodes.Success, exit);
        var text = output.ToString();
        foreach (var code in new[] { ExitCodes.Success, ExitCodes.PartialFailure, ExitCodes.Usage, ExitCodes.InputError, ExitCodes.DatabaseError, ExitCodes.Cancelled })
        {
            Assert.Contains($"{code,4}  ", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unknown_command_fails_with_a_non_zero_exit_code()
    {
        var error = new StringWriter();
        var exit = await CliApp.Build().Parse(["no-such-command"]).InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.NotEqual(ExitCodes.Success, exit);
        Assert.Contains("no-such-command", error.ToString(), StringComparison.Ordinal);
    }
}
