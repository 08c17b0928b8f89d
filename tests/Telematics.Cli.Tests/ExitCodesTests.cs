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
        foreach (var code in new[] { ExitCodes.Success, ExitCodes.PartialFailure, ExitCodes.Usage, ExitCodes.InputError, ExitCodes.DatabaseError, ExitCodes.InternalError, ExitCodes.Cancelled })
        {
            Assert.Contains($"{code,4}  ", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_exception_a_command_did_not_expect_is_an_internal_error_in_our_words_not_a_partial_failure()
    {
        var error = new StringWriter();
        var exit = await CliApp.InvokeAsync(Throwing(new InvalidOperationException("the sky fell")), ["boom"], new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(ExitCodes.InternalError, exit);
        Assert.StartsWith("telematics boom: internal error, a bug of this tool (InvalidOperationException: the sky fell); please report it", error.ToString(), StringComparison.Ordinal);
        // The stack trace follows, for the report.
        Assert.Contains(nameof(Throwing), error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    // Read before as 15, 12, and 3 January.
    [InlineData("--score 1,5", "--score: '1,5' is not a number with '.' as the decimal point")]
    [InlineData("--km 12,000", "--km: '12,000' is not a number with '.' as the decimal point")]
    [InlineData("--period-end 01/03/2026", "--period-end: '01/03/2026' is not a date as YYYY-MM-DD")]
    [InlineData("--period-days thirty", "--period-days: 'thirty' is not a whole number")]
    [InlineData("--seed -1", "--seed: '-1' is not a whole number of 0 or more")]
    [InlineData("--period-end 2026-3-1", "--period-end: '2026-3-1' is not a date as YYYY-MM-DD")]
    public async Task A_number_or_date_in_another_form_is_a_usage_error_naming_the_option(string given, string message)
    {
        var error = new StringWriter();
        var (option, value) = (given.Split(' ')[0], given.Split(' ')[1]);
        string[] args = option.StartsWith("--period-", StringComparison.Ordinal) ? ["batch-score", option, value]
            : option == "--seed" ? ["synth", "--drivers", "1", "--days", "1", "--output", "out", option, value]
            : ["price", "--plan", "plan.json", "--score", option == "--score" ? value : "15", "--km", option == "--km" ? value : "12000"];

        var exit = await CliApp.InvokeAsync(args, new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e10d")]
    [InlineData("NaNh")]
    [InlineData("-2h")]
    public async Task An_age_too_large_or_not_a_number_is_a_usage_error_naming_the_option(string age)
    {
        var error = new StringWriter();

        var exit = await CliApp.InvokeAsync(
            ["audit", "verify", "--max-unanchored-age", age, "--connection", "Host=127.0.0.1;Port=1"], new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains($"--max-unanchored-age: '{age}' is not a positive age", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("batch-score --all")]
    public async Task A_connection_string_npgsql_cannot_read_is_a_usage_error_naming_the_option_but_not_the_password(string command)
    {
        var error = new StringWriter();

        var exit = await CliApp.InvokeAsync(
            [.. command.Split(' '), "--connection", "postgresql://app:s3cret@db.example/telematics"], new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.StartsWith("--connection (or TELEMATICS_PG): not a PostgreSQL connection string", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_number_and_date_option_is_held_to_one_form()
    {
        var root = CliApp.Build();

        // A new command's options get the check without being listed anywhere.
        foreach (var option in Options(root).Where(o => (Nullable.GetUnderlyingType(o.ValueType) ?? o.ValueType) is var t && (t == typeof(double) || t == typeof(int) || t == typeof(long) || t == typeof(ulong) || t == typeof(DateOnly))))
        {
            Assert.True(option.Validators.Count > 0, option.Name);
        }
    }

    private static IEnumerable<Option> Options(Command command) => command.Options.Concat(command.Subcommands.SelectMany(Options));

    [Fact]
    public async Task A_cancellation_that_escapes_a_command_exits_with_the_cancelled_code()
    {
        var error = new StringWriter();
        var exit = await CliApp.InvokeAsync(Throwing(new OperationCanceledException()), ["boom"], new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(ExitCodes.Cancelled, exit);
        Assert.Equal("cancelled", error.ToString().Trim());
    }

    [Fact]
    public async Task An_output_that_cannot_be_written_is_a_file_error_naming_the_path_not_a_bug()
    {
        var features = Path.Combine(Path.GetTempPath(), $"features-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(features, "driver_id,trip_count,distance_km\na,3,20\n");
        var output = Path.Combine(Path.GetTempPath(), "no-such-folder-" + Guid.NewGuid().ToString("N"), "scores.csv");
        var error = new StringWriter();
        try
        {
            var exit = await CliApp.InvokeAsync(["score", "--features", features, "--default", "--output", output], new InvocationConfiguration { Output = new StringWriter(), Error = error });

            Assert.Equal(ExitCodes.InputError, exit);
            Assert.Contains($"telematics score: Cannot write {output}: its folder {Path.GetDirectoryName(output)} does not exist.", error.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("internal error", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(features);
        }
    }

    private static RootCommand Throwing(Exception exception)
    {
        var command = new Command("boom");
        command.SetAction(_ => ThrowIt(exception));
        return new RootCommand { command };

        // Named so that the stack trace shows it.
        static int ThrowIt(Exception e) => throw e;
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
