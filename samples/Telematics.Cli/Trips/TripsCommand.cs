using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

using Telematics.Cli.Partitions;
using Telematics.Storage.Postgres.Ingest;

namespace Telematics.Cli.Trips;

/// <summary><c>telematics trips backfill</c>: give trips stored before trips kept their state the state scoring combines.</summary>
internal static class TripsCommand
{
    public static Command Create()
    {
        var command = new Command("trips", "Maintain stored trips.");
        command.Subcommands.Add(Backfill());
        return command;
    }

    private static Command Backfill()
    {
        var batch = new Option<int>("--batch")
        {
            Description = "Trips of one driver rebuilt per transaction (1–10000).",
            DefaultValueFactory = _ => new TripStateBackfillOptions().BatchSize,
        };
        var zone = new Option<string>("--tz")
        {
            Description = "IANA time zone of drivers without a stored one (as their events were ingested).",
            DefaultValueFactory = _ => "UTC",
        };
        var command = new Command(
            "backfill",
            "Rebuild the state of every trip stored before trips kept one (migration 9), by replaying the trip's stored events. " +
            "Online and resumable: each batch commits on its own; a re-run continues with the trips still without a state.")
        {
            batch,
            zone,
        };
        command.Options.Add(StorageCommandContext.Connection);
        command.SetAction((parse, cancellationToken) =>
        {
            var size = parse.GetValue(batch);
            var zoneId = parse.GetValue(zone)!;
            var error = parse.InvocationConfiguration.Error;
            if (size is < 1 or > 10_000)
            {
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"--batch: {size} is outside 1–10000."));
                return Task.FromResult(ExitCodes.Usage);
            }

            if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var defaultZone))
            {
                error.WriteLine($"--tz: '{zoneId}' is not a time zone known on this machine.");
                return Task.FromResult(ExitCodes.Usage);
            }

            return StorageCommandContext.RunAsync(parse, async (services, output, ct) =>
            {
                var backfill = new TripStateBackfill(services.GetRequiredService<Npgsql.NpgsqlDataSource>(), new TripStateBackfillOptions { BatchSize = size, DefaultTimeZone = defaultZone }, TimeProvider.System);
                var pending = await backfill.CountPendingAsync(ct).ConfigureAwait(false);
                if (pending == 0)
                {
                    await output.WriteLineAsync("every trip has its state; nothing to do").ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{pending} trips without a state")).ConfigureAwait(false);
                var report = await backfill.RunAsync(StorageCommandContext.Actor, new LineProgress(output, pending), ct).ConfigureAwait(false);
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"rebuilt {report.Rebuilt} trips in {report.Batches} batches ({report.Changed} with features rewritten from their events); unrecoverable {report.Unrecoverable}")).ConfigureAwait(false);
                if (report.Unrecoverable > 0)
                {
                    await error.WriteLineAsync(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{report.Unrecoverable} trips have no stored events to rebuild them from (archived months); scoring a period that holds one fails its driver with this reason.")).ConfigureAwait(false);
                    return ExitCodes.PartialFailure;
                }

                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }

    // One line per batch, in order, on the caller's thread (Progress<T> would post to the thread pool).
    private sealed class LineProgress(TextWriter output, long pending) : IProgress<TripStateBackfillReport>
    {
        public void Report(TripStateBackfillReport value) =>
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch {value.Batches}: {value.Rebuilt + value.Unrecoverable}/{pending} trips"));
    }
}
