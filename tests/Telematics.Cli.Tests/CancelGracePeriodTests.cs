using System.CommandLine;

namespace Telematics.Cli.Tests;

public sealed class CancelGracePeriodTests
{
    [Fact]
    public async Task Ctrl_C_gives_a_command_ten_seconds_to_clean_up_not_System_CommandLines_two()
    {
        var configuration = new InvocationConfiguration { Output = new StringWriter(), Error = new StringWriter() };

        await CliApp.InvokeAsync(["exit-codes"], configuration);

        // The partial files of OutputFile and batch-score's resume message come after the cancellation.
        Assert.Equal(TimeSpan.FromSeconds(10), configuration.ProcessTerminationTimeout);
    }
}
