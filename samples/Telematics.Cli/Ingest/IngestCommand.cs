using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Telematics.Cli.Events;
using Telematics.Cli.Output;
using Telematics.Cli.Partitions;
using Telematics.Features.Pipeline;
using Telematics.Features.Schema;
using Telematics.Storage.Postgres;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Storage.Postgres.Phone;
using Telematics.Storage.Postgres.Trips;

namespace Telematics.Cli.Ingest;

/// <summary>
/// <c>telematics ingest --input FILE [--format] [--mapping] --driver ID [--tz] [--imu PATH --imu-mapping FILE] [--report-bad FILE] [--writers 2] [--connection CS]</c>:
/// stores one driver's events idempotently (COPY through <see cref="EventIngestor"/>, batches of up to
/// <see cref="OverlappedEventWriter.BatchRows"/> events stored while the next are read) and the trips the pipeline
/// closes, with their features, in one transaction. Re-running the same file stores nothing new. The local-time
/// features use <c>--tz</c> when given, else the driver's stored time zone, else UTC (as the host's ingest does).
/// </summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var events = new EventFileOptions(inputRequired: true);
        events.Driver.Description = "Numeric id of an existing driver (drivers.driver_id) the events belong to.";
        events.Driver.Required = true;
        events.Zone.Description = "IANA time zone of the local time-of-day features. Default: the driver's stored time zone, else UTC.";
        events.Zone.DefaultValueFactory = null;
        var reportBad = new Option<FileInfo?>("--report-bad") { Description = "Skip bad records and list them here; without it the first bad record fails the run (exit 3) before anything is stored past it." };
        var writers = new Option<int>("--writers") { Description = "Batches stored at once, each on its own connection (1 to 8): more than one lets the database use more than one core.", DefaultValueFactory = _ => 2 };
        var command = new Command("ingest", "Store one driver's events file in PostgreSQL and close its trips with their features.");
        events.AddTo(command);
        command.Options.Add(reportBad);
        command.Options.Add(writers);
        command.Options.Add(StorageCommandContext.Connection);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (events.TryResolve(parse, error, out var file) is { } refused)
            {
                return refused;
            }

            if (!long.TryParse(file.DriverId, NumberStyles.None, CultureInfo.InvariantCulture, out var driverId) || driverId <= 0)
            {
                error.WriteLine($"--driver: '{file.DriverId}' is not a numeric driver id.");
                return ExitCodes.Usage;
            }

            if (parse.GetValue(writers) is < 1 or > 8)
            {
                error.WriteLine("--writers must be 1 to 8.");
                return ExitCodes.Usage;
            }

            // Before anything is stored: the report is written after the events are committed.
            try
            {
                OutputFile.RequireFolder("--report-bad", parse.GetValue(reportBad));
            }
            catch (ArgumentException e)
            {
                error.WriteLine(e.Message);
                return ExitCodes.Usage;
            }

            var zoneGiven = parse.GetResult(events.Zone) is { Implicit: false };
            return await StorageCommandContext.RunAsync(
                parse, (services, output, ct) => IngestAsync(services, output, error, file, zoneGiven, driverId, parse.GetValue(reportBad)?.FullName, parse.GetValue(writers), ct), cancellationToken);
        });
        return command;
    }

    private static async Task<int> IngestAsync(
        IServiceProvider services, TextWriter output, TextWriter error, EventFile file, bool zoneGiven, long driverId, string? reportBad, int writerCount, CancellationToken cancellationToken)
    {
        // With --tz the driver is only checked to exist, so the lookup (and the connection set-up it pays for) runs while
        // the file is read; every batch waits for it before storing. Without --tz the driver's zone is needed first.
        var lookup = services.GetRequiredService<DriverRepository>().GetAsync(driverId, cancellationToken);
        if (!zoneGiven)
        {
            if (await lookup.ConfigureAwait(false) is not { } driver)
            {
                return await MissingDriverAsync(error, driverId).ConfigureAwait(false);
            }

            if (driver.TimeZone is { } storedZone)
            {
                if (!TimeZoneInfo.TryFindSystemTimeZoneById(storedZone, out var zone))
                {
                    await error.WriteLineAsync($"--tz: driver {driverId}'s time zone '{storedZone}' is not known on this machine; give --tz.").ConfigureAwait(false);
                    return ExitCodes.InputError;
                }

                file = file with { Zone = zone };
            }
        }

        var actor = StorageCommandContext.Actor;
        var ingestor = services.GetRequiredService<EventIngestor>();
        // Reading and the trip pipeline run here while the previous chunks are copied to the database on the writer's task.
        var writer = new OverlappedEventWriter(
            async (batch, ct) => await lookup.ConfigureAwait(false) is null
                ? throw new DriverNotFoundException()
                : await ingestor.IngestAsync(driverId, batch, actor, ct).ConfigureAwait(false),
            writerCount,
            cancellationToken);
        EventCommandOutcome outcome;
        try
        {
            try
            {
                outcome = await EventCommandRunner.RunAsync(file, reportBad, writer.EnqueueAsync, error, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Whatever stopped the reading, the chunks already read are stored (or their failure surfaces) before the answer.
                await writer.CompleteAsync().ConfigureAwait(false);
            }

            if (await lookup.ConfigureAwait(false) is null)
            {
                throw new DriverNotFoundException();
            }
        }
        catch (DriverNotFoundException)
        {
            return await MissingDriverAsync(error, driverId).ConfigureAwait(false);
        }
        catch (KeyNotFoundException erased)
        {
            // Erased while the file was read: the erasure took what was stored before it, and nothing after it is stored.
            await error.WriteLineAsync($"--driver: {erased.Message}").ConfigureAwait(false);
            return ExitCodes.InputError;
        }

        var (received, stored) = (writer.Received, writer.Stored);
        if (outcome.Result is null)
        {
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"stopped: {stored} events stored before the failure; re-run after fixing the file (stored events are skipped).")).ConfigureAwait(false);
            return outcome.ExitCode;
        }

        // One transaction and one audit row for the run's trips; a re-run that finds them all stored writes nothing.
        // With --imu the trips' phone manoeuvres and handling spans go into trip_manoeuvres in that same transaction.
        var tripRepository = services.GetRequiredService<TripRepository>();
        if (outcome.Result.Phone is { } phone)
        {
            try
            {
                await tripRepository.WriteClosedTripsWithImuAsync(driverId, outcome.Result.Trips, phone.Evidence, actor, cancellationToken).ConfigureAwait(false);
            }
            catch (PhoneEvidenceConflictException conflict)
            {
                // The events are stored (a re-run skips them); the trips wait for a recording that does not double-count.
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"--imu: {conflict.Message} The run's {stored} new events are stored; no trip was.")).ConfigureAwait(false);
                return ExitCodes.InputError;
            }
        }
        else
        {
            await tripRepository.WriteClosedTripsAsync(driverId, outcome.Result.Trips, actor, cancellationToken).ConfigureAwait(false);
        }

        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"driver {driverId}: read {outcome.Result.RecordsRead}, stored {stored}, duplicates {received - stored}, rejected {outcome.Result.Reading.RejectedCount}, trips {outcome.Result.Trips.Count} ({outcome.Result.DistanceKm:F1} km){(outcome.Result.Phone is { } p ? "; " + p.Summary() : string.Empty)}")).ConfigureAwait(false);

        // Stored, but behind a later chunk when the trips were cut: said, so that a file not in time order is sorted.
        if (outcome.Result.Driver.Cleaning.OutOfOrderDroppedCount is > 0 and var late)
        {
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"warning: {file.Path}: {late} events came after later ones (the file is not in time order): stored, but left out of the trips; sort a file by time before ingesting it, as a re-run does not replace trips already stored.")).ConfigureAwait(false);
        }

        // Skipped bad records (--report-bad) are a partial failure: the rest is stored, the report lists them.
        return outcome.Result.Reading.RejectedCount > 0 ? ExitCodes.PartialFailure : ExitCodes.Success;
    }

    private static async Task<int> MissingDriverAsync(TextWriter error, long driverId)
    {
        await error.WriteLineAsync($"--driver: driver {driverId} does not exist; create the driver first.").ConfigureAwait(false);
        return ExitCodes.InputError;
    }

    // Stops the writers when the driver looked up meanwhile does not exist; nothing was stored.
    private sealed class DriverNotFoundException : Exception;
}
