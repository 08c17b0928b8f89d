using System.CommandLine;

namespace Telematics.Cli;

/// <summary>Exit codes that scripts can rely on; documented by <c>telematics exit-codes</c>.</summary>
internal static class ExitCodes
{
    /// <summary>The command did all it was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran, but some records or drivers failed; the report says which.</summary>
    public const int PartialFailure = 1;

    /// <summary>The command line was wrong: unknown command or option, missing required option, or an invalid value.</summary>
    public const int Usage = 2;

    /// <summary>An input file was missing, unreadable or malformed, or an output file could not be written.</summary>
    public const int InputError = 3;

    /// <summary>The database could not be reached or refused the work.</summary>
    public const int DatabaseError = 4;

    /// <summary>An error the tool did not expect: a bug, reported with its stack trace (70, sysexits' EX_SOFTWARE).</summary>
    public const int InternalError = 70;

    /// <summary>The work was cancelled (Ctrl-C).</summary>
    public const int Cancelled = 130;

    public static Command CreateCommand()
    {
        var command = new Command("exit-codes", "List the exit codes this tool returns.");
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"{Success,4}  success");
            output.WriteLine($"{PartialFailure,4}  partial failure: some records or drivers failed (see the report)");
            output.WriteLine($"{Usage,4}  usage error: unknown command or option, missing required option, invalid value");
            output.WriteLine($"{InputError,4}  input missing, unreadable or malformed, or output not writable");
            output.WriteLine($"{DatabaseError,4}  database unreachable or refused the work");
            output.WriteLine($"{InternalError,4}  internal error: a bug of this tool, reported with its stack trace");
            output.WriteLine($"{Cancelled,4}  cancelled");
            return Success;
        });
        return command;
    }
}
