using System.CommandLine;

namespace Telematics.Cli;

/// <summary>Builds the <c>telematics</c> command tree; Program and tests share it.</summary>
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
}
