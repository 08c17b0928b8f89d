using System.CommandLine;

using Npgsql;

using Telematics.Cli.Hosting;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Connection;

namespace Telematics.Cli.Partitions;

/// <summary>What the database commands share: the <c>--connection</c> option, the data source, the actor and error mapping.</summary>
internal static class StorageCommandContext
{
    public static readonly Option<string?> Connection = new("--connection")
    {
        Description = $"PostgreSQL connection string (default: the {PostgresConnectionString.EnvironmentVariable} environment variable).",
        Recursive = true,
    };

    public static readonly Option<bool> DryRun = new("--dry-run")
    {
        Description = "Say what would be done and change nothing.",
    };

    /// <summary>Who the audit rows name for work done from this tool.</summary>
    public static AuditActor Actor => new("cli:" + Environment.UserName);

    /// <summary>
    /// Runs <paramref name="work"/> with the services of <c>AddTelematics</c> on the <c>--connection</c> database
    /// (<see cref="CliHost"/>), turning database failures into exit codes and clear messages.
    /// </summary>
    /// <param name="parse">The parsed command line.</param>
    /// <param name="work">The command's work: resolves what it needs.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <param name="postgres">Storage options beyond the connection string.</param>
    public static async Task<int> RunAsync(
        ParseResult parse, Func<IServiceProvider, TextWriter, CancellationToken, Task<int>> work, CancellationToken cancellationToken, Action<TelematicsPostgresOptions>? postgres = null)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        if (await ConnectionStringAsync(parse, error).ConfigureAwait(false) is not { } connectionString)
        {
            return ExitCodes.Usage;
        }

        return await GuardAsync(error, async () =>
        {
            using var host = CliHost.Create(connectionString, static _ => { }, postgres: postgres);
            return await work(host.Services, output, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// The connection string of <c>--connection</c>, else of the environment; null, with the reason written to
    /// <paramref name="error"/> (a usage error), when there is none or Npgsql cannot read it (the libpq URI form psql takes,
    /// a port that is not a number). The message names the option, never the string, which may hold a password.
    /// </summary>
    public static async Task<string?> ConnectionStringAsync(ParseResult parse, TextWriter error)
    {
        if (!PostgresConnectionString.TryResolve(parse.GetValue(Connection), out var connectionString))
        {
            await error.WriteLineAsync(PostgresConnectionString.MissingMessage).ConfigureAwait(false);
            return null;
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return connectionString;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            await error.WriteLineAsync(
                $"--connection (or {PostgresConnectionString.EnvironmentVariable}): not a PostgreSQL connection string of the Key=Value;… form ({e.Message}).").ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>Runs <paramref name="work"/> (which uses a database it was given), turning database failures into exit codes and clear messages.</summary>
    public static Task<int> RunAsync(ParseResult parse, Func<TextWriter, CancellationToken, Task<int>> work, CancellationToken cancellationToken) =>
        GuardAsync(parse.InvocationConfiguration.Error, () => work(parse.InvocationConfiguration.Output, cancellationToken));

    private static async Task<int> GuardAsync(TextWriter error, Func<Task<int>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (PostgresException failure) when (failure.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            await error.WriteLineAsync($"The database has no Telematics schema ({failure.MessageText}); apply the migrations first.").ConfigureAwait(false);
            return ExitCodes.DatabaseError;
        }
        catch (NpgsqlException failure)
        {
            await error.WriteLineAsync("database error: " + failure.Message).ConfigureAwait(false);
            return ExitCodes.DatabaseError;
        }
        catch (IOException failure)
        {
            await error.WriteLineAsync("file error: " + failure.Message).ConfigureAwait(false);
            return ExitCodes.InputError;
        }
    }
}
