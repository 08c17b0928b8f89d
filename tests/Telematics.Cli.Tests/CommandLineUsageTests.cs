using System.CommandLine;

namespace Telematics.Cli.Tests;

/// <summary>
/// Every command of the tree, walked from <see cref="CliApp.Build"/> so that a new command is covered without editing
/// this file, exits <see cref="ExitCodes.Usage"/> when its command line does not parse.
/// </summary>
public sealed class CommandLineUsageTests
{
    public static TheoryData<string> EveryCommand()
    {
        var data = new TheoryData<string>();
        foreach (var path in Paths(CliApp.Build(), []))
        {
            data.Add(string.Join(' ', path));
        }

        return data;
    }

    public static TheoryData<string, string> EveryRequiredOption()
    {
        var data = new TheoryData<string, string>();
        foreach (var (path, command) in Commands(CliApp.Build(), []))
        {
            foreach (var option in command.Options.Where(o => o.Required))
            {
                data.Add(string.Join(' ', path), option.Name);
            }
        }

        return data;
    }

    public static TheoryData<string, string> EveryNumericOption()
    {
        var data = new TheoryData<string, string>();
        foreach (var (path, command) in Commands(CliApp.Build(), []))
        {
            foreach (var option in command.Options.Where(o => IsNumeric(o.ValueType)))
            {
                data.Add(string.Join(' ', path), option.Name);
            }
        }

        return data;
    }

    [Fact]
    public void The_tree_has_the_commands_the_docs_describe()
    {
        var commands = Paths(CliApp.Build(), []).Select(path => string.Join(' ', path)).ToHashSet();

        foreach (var expected in new[] { "exit-codes", "price", "models list", "score", "partitions create", "audit verify", "audit anchor", "migrate", "trips backfill", "drivers create", "features", "ingest", "synth", "train", "seed", "batch-score", "pricing cells" })
        {
            Assert.Contains(expected, commands);
        }
    }

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public async Task An_unknown_option_exits_with_the_usage_code(string command)
    {
        var result = await CliRunner.RunAsync([.. command.Split(' '), "--no-such-option"]);

        // A command that takes arguments (partitions create|drop|archive: months) reads the token as one, so the error
        // may name a missing required option instead; what scripts rely on is the code and a message on stderr.
        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.NotEqual(string.Empty, result.Error.Trim());
    }

    [Theory]
    [MemberData(nameof(EveryRequiredOption))]
    public async Task A_missing_required_option_exits_with_the_usage_code_and_names_the_option(string command, string option)
    {
        var result = await CliRunner.RunAsync(command.Split(' '));

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains(option, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EveryNumericOption))]
    public async Task A_value_that_is_not_a_number_exits_with_the_usage_code_and_names_the_value(string command, string option)
    {
        var result = await CliRunner.RunAsync([.. command.Split(' '), option, "not-a-number"]);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("not-a-number", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_on_a_command_still_succeeds()
    {
        var result = await CliRunner.RunAsync("score", "--help");

        Assert.Equal(ExitCodes.Success, result.Exit);
        Assert.Contains("Usage:", result.Output, StringComparison.Ordinal);
    }

    private static bool IsNumeric(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(double) || underlying == typeof(decimal) || underlying == typeof(float);
    }

    private static IEnumerable<string[]> Paths(Command command, string[] prefix) =>
        Commands(command, prefix).Select(entry => entry.Path);

    private static IEnumerable<(string[] Path, Command Command)> Commands(Command command, string[] prefix)
    {
        foreach (var sub in command.Subcommands)
        {
            string[] path = [.. prefix, sub.Name];
            yield return (path, sub);
            foreach (var nested in Commands(sub, path))
            {
                yield return nested;
            }
        }
    }
}
