using System.CommandLine;

using Npgsql;

using Telematics.Cli.Partitions;
using Telematics.Storage.Postgres.Drivers;

namespace Telematics.Cli.Drivers;

/// <summary><c>telematics drivers create</c>: register a driver so that events can be ingested for it.</summary>
internal static class DriversCommand
{
    public static Command Create()
    {
        var command = new Command("drivers", "Manage drivers in PostgreSQL.");
        command.Options.Add(StorageCommandContext.Connection);
        command.Subcommands.Add(CreateDriver());
        return command;
    }

    private static Command CreateDriver()
    {
        var externalRef = new Option<string>("--external-ref") { Description = "The insurer's reference for the driver (unique, 1–200 characters).", Required = true };
        var name = new Option<string>("--name") { Description = "Display name (1–200 characters).", Required = true };
        var command = new Command("create", "Create a driver (audited) and print its numeric id, the value `ingest --driver` takes.");
        command.Options.Add(externalRef);
        command.Options.Add(name);
        command.SetAction((parse, cancellationToken) => StorageCommandContext.RunAsync(parse, async (dataSource, output, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var driver = await new DriverRepository(dataSource, TimeProvider.System)
                    .CreateAsync(parse.GetValue(externalRef)!, parse.GetValue(name)!, StorageCommandContext.Actor, ct).ConfigureAwait(false);
                await output.WriteLineAsync($"created driver {driver.DriverId} ({driver.ExternalRef})").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (ArgumentException invalid)
            {
                await error.WriteLineAsync(invalid.Message).ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            catch (PostgresException taken) when (taken.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await error.WriteLineAsync($"a driver with external reference '{parse.GetValue(externalRef)}' already exists").ConfigureAwait(false);
                return ExitCodes.InputError;
            }
        }, cancellationToken));
        return command;
    }
}
