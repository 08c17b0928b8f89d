using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Spectre.Console;
using Telematics.Cli.Partitions;
using Telematics.Cli.Pricing;
using Telematics.Features.Samples;
using Telematics.Service.Ingest;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Storage.Postgres;
using Telematics.Training.Datasets;
using Telematics.Training.Synthetic;

namespace Telematics.Cli.Seed;

/// <summary>
/// <c>telematics seed --drivers N --days D [--seed S] [--start DATE] [--parallel P] [--plan FILE] [--time-zone IANA] [--connection CS]</c>:
/// registers a synthetic population and stores each driver's simulated events and closed trips through
/// <see cref="EventStreamIngestor"/> — the code path of <c>POST /api/v1/telematics/events</c>, in process.
/// </summary>
/// <remarks>
/// Each driver gets the <c>--time-zone</c> zone (default the population's, <see cref="SyntheticPopulationOptions.TimeZoneId"/>),
/// which is also the zone the simulator lays its trips out in, and a region of the pricing plan, the same one on every
/// run (<see cref="SeedRegions"/>), so the demo prices by region, and the age band and vehicle class the simulator gave
/// the driver, so a plan's classical relativities and cell means apply. Idempotent: drivers are keyed by
/// <c>synth-{seed}-{profile id}</c>; a driver that already has events is skipped (an upload is all-or-nothing, so a
/// driver is either fully seeded or not at all), so a second run adds nothing and says so, and an interrupted run resumes
/// where it stopped. A seeded driver keeps the zone its events were simulated in whatever <c>--time-zone</c> says (the
/// summary counts those); one seeded before drivers had a region, zone, age band and vehicle class gets them — the zone then being the
/// population default it was simulated in — in one audited update; after that, a run changes nothing.
/// </remarks>
internal static class SeedCommand
{
    /// <summary>The synthetic population's default zone (<c>America/Chicago</c>), the zone of <c>--time-zone</c> when left out.</summary>
    private static readonly string PopulationDefaultZone = new SyntheticPopulationOptions().TimeZoneId;

    public static Command Create()
    {
        var drivers = new Option<int>("--drivers") { Description = "Number of synthetic drivers (1 to 100,000).", DefaultValueFactory = _ => 500 };
        var days = new Option<int>("--days") { Description = "Days of driving per driver (1 to 366).", DefaultValueFactory = _ => 30 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed: the same seed gives the same population and events.", DefaultValueFactory = _ => 20261128 };
        var start = new Option<DateOnly?>("--start") { Description = "First simulated day (yyyy-MM-dd, UTC). Default: --days days before today." };
        var parallel = new Option<int?>("--parallel") { Description = "Drivers ingested at once (1 to 64). Default: the number of processors." };
        var plan = CliPricingPlan.Option("Pricing plan whose regions the drivers get");
        var timeZone = new Option<string>("--time-zone")
        {
            Description = "IANA time zone the drivers live in: the simulator lays their trips out in its local time and their driver rows get it. " +
                "Default: America/Chicago, the synthetic population's default (SyntheticPopulationOptions.TimeZoneId).",
            DefaultValueFactory = _ => PopulationDefaultZone,
        };
        var command = new Command("seed", "Create a synthetic driver population and ingest its simulated events and trips, idempotently.")
        {
            drivers, days, seed, start, parallel, plan, timeZone, StorageCommandContext.Connection,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var options = new SyntheticPopulationOptions
            {
                DriverCount = parse.GetValue(drivers),
                PeriodDays = parse.GetValue(days),
                Seed = parse.GetValue(seed),
                StartDate = parse.GetValue(start) ?? DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime).AddDays(-parse.GetValue(days)),
                TimeZoneId = parse.GetValue(timeZone)!,
            };
            // Only an absent --parallel means one per processor: 0 or -5 is a mistake, not a request for the default.
            var workers = parse.GetValue(parallel) ?? Math.Min(Environment.ProcessorCount, 64);
            if (workers is < 1 or > 64)
            {
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"--parallel must be 1 to 64, not {workers}."));
                return ExitCodes.Usage;
            }

            if (options.DriverCount is < 1 or > 100_000 || options.PeriodDays is < 1 or > 366)
            {
                await error.WriteLineAsync("--drivers must be 1 to 100,000 and --days 1 to 366.");
                return ExitCodes.Usage;
            }

            if (!DriverFields.TryFindTimeZone(options.TimeZoneId, out _))
            {
                await error.WriteLineAsync($"--time-zone: '{options.TimeZoneId}' is not an IANA time zone id known to this system, such as Europe/Paris.");
                return ExitCodes.Usage;
            }

            if (await CliPricingPlan.TryLoadAsync(parse.GetValue(plan), error) is not { } pricingPlan)
            {
                return ExitCodes.InputError;
            }

            var regions = SeedRegions.FromPlan(pricingPlan);

            return await StorageCommandContext.RunAsync(parse, (services, output, ct) => SeedAsync(services, output, options, regions, workers, ct), cancellationToken);
        });
        return command;
    }

    private static async Task<int> SeedAsync(
        IServiceProvider services, TextWriter output, SyntheticPopulationOptions options, SeedRegions regions, int workers, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var simulator = new TelematicsSimulator(options);
        var repository = services.GetRequiredService<DriverRepository>();
        var ingestor = services.GetRequiredService<EventIngestor>();
        var stream = services.GetRequiredService<EventStreamIngestor>();
        var actor = StorageCommandContext.Actor;
        var totals = new SeedTotals();

        async Task SeedOneAsync(int index, CancellationToken ct)
        {
            var profile = PopulationGenerator.CreateDriver(options, index);
            var externalRef = string.Create(CultureInfo.InvariantCulture, $"synth-{options.Seed}-{profile.DriverId}");
            // The simulated driver's own age band and vehicle class: the demo prices the cell the driver was simulated in.
            var wanted = new NewDriver(externalRef, "Synthetic driver " + profile.DriverId)
            {
                Region = regions.For(index), TimeZone = options.TimeZoneId, AgeBand = profile.AgeBand.Code(), VehicleClass = profile.VehicleClass.Code(),
            };
            var driver = await repository.GetByExternalRefAsync(externalRef, ct).ConfigureAwait(false)
                ?? await CreateAsync(repository, wanted, actor, ct).ConfigureAwait(false);
            var seeded = await ingestor.HasEventsAsync(driver.DriverId, ct).ConfigureAwait(false);

            // A seeded driver keeps the zone its events were simulated in: a stored zone stays; none (seeded before drivers
            // had zones, when seed always simulated the population default) becomes that default. An unseeded one gets --time-zone.
            var zone = !seeded ? wanted.TimeZone : driver.TimeZone ?? PopulationDefaultZone;
            if (driver.Region != wanted.Region || driver.TimeZone != zone || driver.AgeBand != wanted.AgeBand || driver.VehicleClass != wanted.VehicleClass)
            {
                var update = new DriverUpdate { Region = wanted.Region, TimeZone = zone, AgeBand = wanted.AgeBand, VehicleClass = wanted.VehicleClass };
                driver = await repository.UpdateAsync(driver.DriverId, update, actor, ct).ConfigureAwait(false) ?? driver;
            }

            if (seeded)
            {
                totals.Skipped(keptOtherZone: zone != wanted.TimeZone);
                return;
            }

            var buffer = new SampleBuffer(EventStreamIngestor.ChunkSize);
            var result = await stream.IngestChunksAsync(driver.DriverId, simulator.Simulate(profile, buffer, ct), simulator.TimeZone, actor, cancellationToken: ct).ConfigureAwait(false);
            totals.Add(result);
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken };
        var indices = Enumerable.Range(0, options.DriverCount);
        if (!Console.IsErrorRedirected)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            await console.Progress().StartAsync(async context =>
            {
                var task = context.AddTask("seeding drivers", maxValue: options.DriverCount);
                await Parallel.ForEachAsync(indices, parallel, async (index, ct) =>
                {
                    await SeedOneAsync(index, ct).ConfigureAwait(false);
                    task.Increment(1);
                }).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        else
        {
            await Parallel.ForEachAsync(indices, parallel, async (index, ct) => await SeedOneAsync(index, ct).ConfigureAwait(false)).ConfigureAwait(false);
        }

        await output.WriteLineAsync(totals.Summary(options.DriverCount, options.TimeZoneId, clock.Elapsed)).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static async Task<DriverRecord> CreateAsync(DriverRepository repository, NewDriver driver, AuditActor actor, CancellationToken ct)
    {
        try
        {
            return await repository.CreateAsync(driver, actor, ct).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another seed run created it meanwhile.
            return (await repository.GetByExternalRefAsync(driver.ExternalRef, ct).ConfigureAwait(false))!;
        }
    }

    /// <summary>Counters updated by the parallel workers.</summary>
    private sealed class SeedTotals
    {
        private long _seeded, _skipped, _otherZone, _events, _stored, _trips;
        private double _km;
        private readonly Lock _gate = new();

        public void Skipped(bool keptOtherZone)
        {
            Interlocked.Increment(ref _skipped);
            if (keptOtherZone)
            {
                Interlocked.Increment(ref _otherZone);
            }
        }

        public void Add(EventStreamResult result)
        {
            lock (_gate)
            {
                _seeded++;
                _events += result.Received;
                _stored += result.Stored;
                _trips += result.TripsStored;
                _km += result.DistanceKm;
            }
        }

        public string Summary(int drivers, string zone, TimeSpan elapsed)
        {
            var kept = _otherZone == 0 ? string.Empty : string.Create(
                CultureInfo.InvariantCulture,
                $"\n{_otherZone} already seeded drivers keep the time zone their events were simulated in, not {zone} (another --seed or an empty database seeds a population in {zone})");
            if (_seeded == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"nothing to do: all {drivers} drivers are already seeded ({elapsed.TotalSeconds:F1} s){kept}");
            }

            return string.Create(
                CultureInfo.InvariantCulture,
                $"seeded {_seeded} drivers ({_skipped} already seeded) in {zone}: {_stored:N0} events stored of {_events:N0}, {_trips:N0} trips, {_km:N0} km in {elapsed.TotalSeconds:F1} s ({_events / Math.Max(elapsed.TotalSeconds, 1e-3):N0} events/s){kept}");
        }
    }
}
