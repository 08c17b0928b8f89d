using System.CommandLine;

namespace Telematics.Cli;

/// <summary>Builds the <c>telematics</c> command tree and runs it; Program and tests share both.</summary>
internal static class CliApp
{
    public static RootCommand Build()
    {
        var root = new RootCommand("telematics: turn raw vehicle telematics into features, scores and premiums.");
        foreach (var command in CliCommands.All())
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A command line that does not parse (unknown command or option, missing
    /// required option, value of the wrong type) prints System.CommandLine's errors and usage and exits
    /// <see cref="ExitCodes.Usage"/>: System.CommandLine itself exits 1 there, which scripts could not tell from a
    /// partial failure.
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null)
    {
        var parse = Build().Parse(args);
        var exit = await parse.InvokeAsync(configuration ?? new InvocationConfiguration()).ConfigureAwait(false);
        return parse.Errors.Count > 0 && exit != ExitCodes.Success ? ExitCodes.Usage : exit;
    }
}
