using System.CommandLine;
using System.Globalization;

namespace Telematics.Cli;

/// <summary>Builds the <c>telematics</c> command tree and runs it; Program and tests share both.</summary>
internal static class CliApp
{
    /// <summary>How long a command has, after Ctrl-C or SIGTERM, to stop and clean up before the process is ended.</summary>
    internal static readonly TimeSpan CancelGracePeriod = TimeSpan.FromSeconds(10);

    public static RootCommand Build()
    {
        var root = new RootCommand("telematics: turn raw vehicle telematics into features, scores and premiums.");
        foreach (var command in CliCommands.All())
        {
            root.Subcommands.Add(command);
        }

        StrictValues.Apply(root);
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A command line that does not parse (unknown command or option, missing
    /// required option, value of the wrong type) prints System.CommandLine's errors and usage and exits
    /// <see cref="ExitCodes.Usage"/>: System.CommandLine itself exits 1 there, which scripts could not tell from a
    /// partial failure.
    /// </summary>
    /// <remarks>
    /// An exception a command did not expect is a bug, not a partial failure: instead of System.CommandLine's handler (a
    /// bare stack trace and exit 1), it is reported as an internal error, with the stack trace for the bug report, and
    /// exits <see cref="ExitCodes.InternalError"/>; a cancellation that escapes a command exits <see cref="ExitCodes.Cancelled"/>,
    /// and a file error no command caught (an output it cannot write) <see cref="ExitCodes.InputError"/>, naming the path.
    /// </remarks>
    public static Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null, CancellationToken cancellationToken = default) =>
        InvokeAsync(Build(), args, configuration, cancellationToken);

    /// <summary>Parses and runs <paramref name="args"/> against <paramref name="root"/>, as <see cref="InvokeAsync(string[], InvocationConfiguration?, CancellationToken)"/>.</summary>
    internal static async Task<int> InvokeAsync(RootCommand root, string[] args, InvocationConfiguration? configuration = null, CancellationToken cancellationToken = default)
    {
        // System.CommandLine converts numbers in the current culture: under de-DE, '--frequency 0.075' (which StrictValues
        // accepts as written) became 75. Every number the tool reads and writes is invariant, whatever the machine's locale;
        // set here, for this call only (the culture flows with the async call, not back to the caller).
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        var parse = root.Parse(args);
        var invocation = configuration ?? new InvocationConfiguration();
        invocation.EnableDefaultExceptionHandler = false;
        // System.CommandLine's default (2 s) can end the process on Ctrl-C before a command has cleaned up: OutputFile
        // deleting its partial files, batch-score saying how to resume the run.
        invocation.ProcessTerminationTimeout = CancelGracePeriod;
        int exit;
        try
        {
            exit = await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await invocation.Error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file a command did not check itself, typically its output (a missing folder, no permission, a full disk):
            // the message names the path.
            await invocation.Error.WriteLineAsync($"telematics {parse.CommandResult.Command.Name}: {e.Message}").ConfigureAwait(false);
            return ExitCodes.InputError;
        }
        catch (Exception e)
        {
            await invocation.Error.WriteLineAsync(
                $"telematics {parse.CommandResult.Command.Name}: internal error, a bug of this tool ({e.GetType().Name}: {e.Message}); please report it with the lines below.").ConfigureAwait(false);
            await invocation.Error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
            return ExitCodes.InternalError;
        }

        return parse.Errors.Count > 0 && exit != ExitCodes.Success ? ExitCodes.Usage : exit;
    }
}
