using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

using Npgsql;

using Telematics.Cli.Partitions;
using Telematics.Cli.Pricing;
using Telematics.Storage.Postgres.Drivers;

namespace Telematics.Cli.Drivers;

/// <summary>
/// <c>telematics drivers create --external-ref REF --name NAME [--region CODE] [--time-zone IANA] [--age-band CODE]
/// [--vehicle-class CODE] [--plan FILE]</c>: register a driver so that events can be ingested for it; <c>telematics drivers
/// update --driver ID [--name NAME] [--region CODE|none] [--time-zone IANA|none] [--age-band CODE|none]
/// [--vehicle-class CODE|none] [--plan FILE]</c>: change one. A region must be one of the pricing plan's, as the host requires.
/// </summary>
internal static class DriversCommand
{
    /// <summary>The value of <c>update --region</c> / <c>--time-zone</c> that clears the field (back to the defaults).</summary>
    private const string Clear = "none";

    private static readonly string AgeBandHelp =
        $"Age band code for the plan's classical relativities: {string.Join(", ", Telematics.Scoring.Pricing.RatingFactorCodes.AgeBands)}.";

    private static readonly string VehicleClassHelp =
        $"Vehicle class code for the plan's classical relativities: {string.Join(", ", Telematics.Scoring.Pricing.RatingFactorCodes.VehicleClasses)}.";

    public static Command Create()
    {
        var command = new Command("drivers", "Manage drivers in PostgreSQL.");
        command.Options.Add(StorageCommandContext.Connection);
        command.Subcommands.Add(CreateDriver());
        command.Subcommands.Add(UpdateDriver());
        return command;
    }

    private static Option<FileInfo?> PlanOption() => CliPricingPlan.Option("Pricing plan --region is checked against, the plan batch-score prices with");

    private static Command CreateDriver()
    {
        var externalRef = new Option<string>("--external-ref") { Description = "The insurer's reference for the driver (unique, 1–200 characters).", Required = true };
        var name = new Option<string>("--name") { Description = "Display name (1–200 characters).", Required = true };
        var region = new Option<string?>("--region") { Description = "Pricing region, a region code of the pricing plan (--plan) such as FR-75; default: none (the plan's default base rate)." };
        var plan = PlanOption();
        var timeZone = new Option<string?>("--time-zone") { Description = "The driver's IANA time zone, such as Europe/Berlin; `ingest` uses it unless --tz is given. Default: none (UTC)." };
        var ageBand = new Option<string?>("--age-band") { Description = AgeBandHelp + " Default: none (factor 1)." };
        var vehicleClass = new Option<string?>("--vehicle-class") { Description = VehicleClassHelp + " Default: none (factor 1)." };
        var command = new Command("create", "Create a driver (audited) and print its numeric id, the value `ingest --driver` takes.");
        command.Options.Add(externalRef);
        command.Options.Add(name);
        command.Options.Add(region);
        command.Options.Add(timeZone);
        command.Options.Add(ageBand);
        command.Options.Add(vehicleClass);
        command.Options.Add(plan);
        command.SetAction((parse, cancellationToken) => StorageCommandContext.RunAsync(parse, async (services, output, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (await CheckRegionAsync(parse.GetValue(region), parse.GetValue(plan), error).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            try
            {
                var input = new NewDriver(parse.GetValue(externalRef)!, parse.GetValue(name)!) {
                    Region = parse.GetValue(region), TimeZone = parse.GetValue(timeZone), AgeBand = parse.GetValue(ageBand), VehicleClass = parse.GetValue(vehicleClass),
                };
                var driver = await services.GetRequiredService<DriverRepository>().CreateAsync(input, StorageCommandContext.Actor, ct).ConfigureAwait(false);
                await output.WriteLineAsync($"created driver {driver.DriverId} ({driver.ExternalRef})").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (ArgumentException invalid)
            {
                return await InvalidAsync(invalid, error).ConfigureAwait(false);
            }
            catch (PostgresException taken) when (taken.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await error.WriteLineAsync($"a driver with external reference '{parse.GetValue(externalRef)}' already exists").ConfigureAwait(false);
                return ExitCodes.InputError;
            }
        }, cancellationToken));
        return command;
    }

    private static Command UpdateDriver()
    {
        var driverId = new Option<long>("--driver") { Description = "The driver's numeric id (as `drivers create` printed it).", Required = true };
        var name = new Option<string?>("--name") { Description = "New display name (1–200 characters)." };
        var region = new Option<string?>("--region") { Description = $"New pricing region, a region code of the pricing plan (--plan) such as FR-13; `{Clear}` clears it (the plan's default base rate)." };
        var timeZone = new Option<string?>("--time-zone") { Description = $"New IANA time zone, such as Europe/Paris; `{Clear}` clears it (UTC)." };
        var ageBand = new Option<string?>("--age-band") { Description = $"New age band: {AgeBandHelp} `{Clear}` clears it (factor 1)." };
        var vehicleClass = new Option<string?>("--vehicle-class") { Description = $"New vehicle class: {VehicleClassHelp} `{Clear}` clears it (factor 1)." };
        var plan = PlanOption();
        var command = new Command("update", "Change a driver's display name, pricing region, time zone, age band or vehicle class (audited); an option left out keeps the stored value.");
        command.Options.Add(driverId);
        command.Options.Add(name);
        command.Options.Add(region);
        command.Options.Add(timeZone);
        command.Options.Add(ageBand);
        command.Options.Add(vehicleClass);
        command.Options.Add(plan);
        command.SetAction((parse, cancellationToken) => StorageCommandContext.RunAsync(parse, async (services, output, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var (newName, newRegion, newZone) = (parse.GetValue(name), parse.GetValue(region), parse.GetValue(timeZone));
            var (newAge, newVehicle) = (parse.GetValue(ageBand), parse.GetValue(vehicleClass));
            if (newName is null && newRegion is null && newZone is null && newAge is null && newVehicle is null)
            {
                await error.WriteLineAsync("give at least one of --name, --region, --time-zone, --age-band, --vehicle-class").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            if (newRegion != Clear && await CheckRegionAsync(newRegion, parse.GetValue(plan), error).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            // An option left out is not set on the update, so the stored value is kept.
            var update = new DriverUpdate { DisplayName = newName };
            update = newRegion is null ? update : update.Then(new DriverUpdate { Region = Cleared(newRegion) });
            update = newZone is null ? update : update.Then(new DriverUpdate { TimeZone = Cleared(newZone) });
            update = newAge is null ? update : update.Then(new DriverUpdate { AgeBand = Cleared(newAge) });
            update = newVehicle is null ? update : update.Then(new DriverUpdate { VehicleClass = Cleared(newVehicle) });
            try
            {
                var id = parse.GetValue(driverId);
                if (await services.GetRequiredService<DriverRepository>().UpdateAsync(id, update, StorageCommandContext.Actor, ct).ConfigureAwait(false) is not { } driver)
                {
                    await error.WriteLineAsync($"--driver: there is no driver {id}").ConfigureAwait(false);
                    return ExitCodes.InputError;
                }

                await output.WriteLineAsync(
                    $"updated driver {driver.DriverId} ({driver.ExternalRef}): name '{driver.DisplayName}', region {driver.Region ?? "none"}, time zone {driver.TimeZone ?? "none"}, " +
                    $"age band {driver.AgeBand ?? "none"}, vehicle class {driver.VehicleClass ?? "none"}").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (ArgumentException invalid)
            {
                return await InvalidAsync(invalid, error).ConfigureAwait(false);
            }
        }, cancellationToken));
        return command;

        static string? Cleared(string? value) => value == Clear ? null : value;
    }

    /// <summary>The repository's refusal of a field, as a usage error naming the option that carries it.</summary>
    private static async Task<int> InvalidAsync(ArgumentException invalid, TextWriter error)
    {
        var option = invalid.ParamName switch
        {
            "externalRef" => "--external-ref",
            "displayName" => "--name",
            "region" => "--region",
            "timeZone" => "--time-zone",
            "ageBand" => "--age-band",
            "vehicleClass" => "--vehicle-class",
            _ => null,
        };
        var message = invalid.ParamName is null ? invalid.Message : invalid.Message.Replace($" (Parameter '{invalid.ParamName}')", string.Empty, StringComparison.Ordinal);
        await error.WriteLineAsync(option is null ? message : $"{option}: {message}").ConfigureAwait(false);
        return ExitCodes.Usage;
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
