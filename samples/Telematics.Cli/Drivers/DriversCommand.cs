using System.CommandLine;

using Npgsql;

using Telematics.Cli.Partitions;
using Telematics.Cli.Pricing;
using Telematics.Storage.Postgres.Drivers;

namespace Telematics.Cli.Drivers;

/// <summary>
/// <c>telematics drivers create --external-ref REF --name NAME [--region CODE] [--time-zone IANA] [--plan FILE]</c>:
/// register a driver so that events can be ingested for it. A region must be one of the pricing plan's, as the host requires.
/// </summary>
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
        var region = new Option<string?>("--region") { Description = "Pricing region, a region code of the pricing plan (--plan) such as FR-75; default: none (the plan's default base rate)." };
        var plan = CliPricingPlan.Option("Pricing plan --region is checked against, the plan batch-score prices with");
        var timeZone = new Option<string?>("--time-zone") { Description = "The driver's IANA time zone, such as Europe/Berlin; `ingest` uses it unless --tz is given. Default: none (UTC)." };
        var command = new Command("create", "Create a driver (audited) and print its numeric id, the value `ingest --driver` takes.");
        command.Options.Add(externalRef);
        command.Options.Add(name);
        command.Options.Add(region);
        command.Options.Add(timeZone);
        command.Options.Add(plan);
        command.SetAction((parse, cancellationToken) => StorageCommandContext.RunAsync(parse, async (dataSource, output, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (await CheckRegionAsync(parse.GetValue(region), parse.GetValue(plan), error).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            try
            {
                var input = new NewDriver(parse.GetValue(externalRef)!, parse.GetValue(name)!) { Region = parse.GetValue(region), TimeZone = parse.GetValue(timeZone) };
                var driver = await new DriverRepository(dataSource, TimeProvider.System).CreateAsync(input, StorageCommandContext.Actor, ct).ConfigureAwait(false);
                await output.WriteLineAsync($"created driver {driver.DriverId} ({driver.ExternalRef})").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (ArgumentException invalid)
            {
                // The repository names the field; say which option carries it.
                var option = invalid.ParamName switch
                {
                    "externalRef" => "--external-ref",
                    "displayName" => "--name",
                    "region" => "--region",
                    "timeZone" => "--time-zone",
                    _ => null,
                };
                var message = invalid.ParamName is null ? invalid.Message : invalid.Message.Replace($" (Parameter '{invalid.ParamName}')", string.Empty, StringComparison.Ordinal);
                await error.WriteLineAsync(option is null ? message : $"{option}: {message}").ConfigureAwait(false);
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

    /// <summary>
    /// The host's check of a region (400 naming <c>region</c>), before anything is written: a well-formed region must be
    /// one of the plan's (else a usage error naming <c>--region</c>, the plan's regions and where the plan came from); a
    /// plan that cannot be read is an input error. A malformed region is left to the repository's shape check.
    /// </summary>
    /// <returns>The exit code when refused, or null to go on.</returns>
    private static async Task<int?> CheckRegionAsync(string? region, FileInfo? planFile, TextWriter error)
    {
        if (!DriverFields.IsRegion(region))
        {
            return null;
        }

        if (await CliPricingPlan.TryLoadAsync(planFile, error).ConfigureAwait(false) is not { } plan)
        {
            return ExitCodes.InputError;
        }

        if (CliPricingPlan.RegionError(plan, region, planFile) is { } message)
        {
            await error.WriteLineAsync(message).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return null;
    }
}
