using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Telematics.Cli.Output;
using Telematics.Features.Ingest.Binary;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Features.Schema;
using Telematics.Training.Synthetic;

namespace Telematics.Cli.Synth;

/// <summary>
/// <c>telematics synth --drivers N --days D [--seed S] [--tz ZONE] --output DIR [--format csv|bin] [--features-only]</c>: a
/// synthetic population (<c>drivers.csv</c> with the true claim frequency and claims), each driver's features over the
/// simulated days (<c>features.csv</c>) and, unless <c>--features-only</c>, one events file per driver.
/// </summary>
internal static class SynthCommand
{
    public static Command Create()
    {
        var drivers = new Option<int>("--drivers") { Description = "Number of drivers (1 to 1,000,000).", Required = true };
        var days = new Option<int>("--days") { Description = "Days of driving to simulate per driver (1 to 366).", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Random seed; the same seed gives the same files.", DefaultValueFactory = _ => 20261128 };
        var zone = new Option<string>("--tz") { Description = "IANA time zone the drivers live in.", DefaultValueFactory = _ => "America/Chicago" };
        var output = new Option<DirectoryInfo>("--output") { Description = "Folder to write drivers.csv and the events files into (created if missing).", Required = true };
        var format = new Option<string>("--format") { Description = "Events file format: csv (the SDK's own columns) or bin.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "bin");
        var start = new Option<DateOnly?>("--start")
        {
            Description = $"First simulated day (yyyy-MM-dd, UTC). Default: {new SyntheticPopulationOptions().StartDate:yyyy-MM-dd}, a fixed day, so that the same seed gives the same files.",
        };
        var featuresOnly = new Option<bool>("--features-only")
        {
            Description = $"Write drivers.csv and {PopulationFeaturesCsv.FileName} only, no events files: a population of any size to score with 'score --features' (30 days of events take megabytes per driver).",
        };
        var command = new Command("synth", $"Write a synthetic driver population, each driver's features over the simulated days ({PopulationFeaturesCsv.FileName}, in the drivers' time zone) and each driver's simulated events.")
        {
            drivers, days, seed, zone, start, output, format, featuresOnly,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var options = new SyntheticPopulationOptions
            {
                DriverCount = parse.GetValue(drivers),
                PeriodDays = parse.GetValue(days),
                Seed = parse.GetValue(seed),
                TimeZoneId = parse.GetValue(zone)!,
            };
            if (parse.GetValue(start) is { } first)
            {
                options.StartDate = first;
            }

            if (options.DriverCount is < 1 or > 1_000_000 || options.PeriodDays is < 1 or > 366)
            {
                error.WriteLine("--drivers must be 1 to 1,000,000 and --days 1 to 366.");
                return ExitCodes.Usage;
            }

            if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZoneId, out _))
            {
                error.WriteLine($"--tz: '{options.TimeZoneId}' is not a known time zone (use an IANA id such as America/Chicago).");
                return ExitCodes.Usage;
            }

            var binary = parse.GetValue(format) == "bin";
            var folder = parse.GetValue(output)!;
            try
            {
                folder.Create();
                var (samples, elapsed) = await WriteAsync(options, folder.FullName, parse.GetValue(featuresOnly) ? null : binary, cancellationToken);
                parse.InvocationConfiguration.Output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"wrote {options.DriverCount} drivers, {samples:N0} samples in {elapsed.TotalSeconds:F1} s ({samples / Math.Max(elapsed.TotalSeconds, 1e-3):N0} samples/s) to {folder.FullName}"));
                return ExitCodes.Success;
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Cancelled;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"{folder.FullName}: {e.Message}");
                return ExitCodes.InputError;
            }
        });
        return command;
    }

    // binary: the events files' format, or null for none (--features-only). Every file goes through OutputFile: a run that
    // is cancelled or fails leaves no drivers.csv or features.csv (a short population a script would take as whole) and no
    // half-written events file; events files of drivers already done stay, complete.
    private static async Task<(long Samples, TimeSpan Elapsed)> WriteAsync(SyntheticPopulationOptions options, string folder, bool? binary, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var simulator = new TelematicsSimulator(options);
        var buffer = new SampleBuffer(8192);
        var vector = new float[TelematicsFeatures.Schema.Count];
        long samples = 0;
        await OutputFile.WriteTextAsync(Path.Combine(folder, "drivers.csv"), population => OutputFile.WriteTextAsync(Path.Combine(folder, PopulationFeaturesCsv.FileName), async features =>
        {
            await population.WriteLineAsync("driver_id,age_band,region,vehicle_class,annual_km,true_lambda,exposure_years,claims,events_file");
            await features.WriteLineAsync(PopulationFeaturesCsv.Header());
            foreach (var driver in PopulationGenerator.CreateDrivers(options))
            {
                var file = binary is null ? "" : driver.DriverId + (binary.Value ? ".bin" : ".csv");
                var pipeline = new DriverFeaturePipeline(simulator.TimeZone);
                if (binary is { } format)
                {
                    await OutputFile.WriteAsync(Path.Combine(folder, file), async events => samples += await SimulateAsync(simulator, driver, buffer, pipeline, events, format, cancellationToken));
                }
                else
                {
                    samples += await SimulateAsync(simulator, driver, buffer, pipeline, events: null, binary: false, cancellationToken);
                }

                pipeline.Complete();
                pipeline.Aggregate.WriteFeatures(vector);
                await features.WriteLineAsync(PopulationFeaturesCsv.Row(driver.DriverId, driver.ObservedDays, vector));
                await population.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{driver.DriverId},{driver.AgeBand},{driver.Region},{driver.VehicleClass},{driver.AnnualMileageKm:F0},{driver.TrueAnnualClaimFrequency:G6},{driver.ExposureYears:G6},{driver.ClaimCount},{file}"));
            }
        }));

        return (samples, clock.Elapsed);
    }

    // One driver's samples into the feature pipeline and, when given, an events stream; returns the samples simulated.
    private static async Task<long> SimulateAsync(
        TelematicsSimulator simulator, DriverProfile driver, SampleBuffer buffer, DriverFeaturePipeline pipeline, Stream? events, bool binary, CancellationToken cancellationToken)
    {
        long samples = 0;
        var binaryWriter = events is not null && binary ? BinarySampleWriter.FromStream(events, leaveOpen: true) : null;
        var csvWriter = events is not null && !binary ? CsvSampleWriter.FromStream(events, leaveOpen: true) : null;
        await using (binaryWriter)
        await using (csvWriter)
        {
            foreach (var chunk in simulator.Simulate(driver, buffer, cancellationToken))
            {
                samples += chunk.Count;
                pipeline.Push(chunk);
                if (binaryWriter is not null)
                {
                    await binaryWriter.WriteAsync(chunk, cancellationToken);
                }
                else if (csvWriter is not null)
                {
                    await csvWriter.WriteAsync(chunk, cancellationToken);
                }
            }

            if (binaryWriter is not null)
            {
                await binaryWriter.CompleteAsync(cancellationToken);
            }
        }

        return samples;
    }
}
