using System.CommandLine;
using System.Globalization;
using System.Text;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Training.Synthetic.Phone;

namespace Telematics.Cli.Events;

/// <summary>
/// <c>telematics events simulate --output DIR [--mounting] [--frame] [--rate] [--seed] [--move] [--gps]</c>: a simulated phone
/// trip as per-sensor files, with its ground truth in <c>truth.csv</c>, to try <c>events detect</c> on.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--output") { Description = "Directory for accelerometer.csv, gyroscope.csv (and linear_acceleration.csv in the Earth frame) and truth.csv.", Required = true };
        var mounting = new Option<string>("--mounting") { Description = "dashboard, cupholder or pocket (the exact orientation is drawn at random).", DefaultValueFactory = _ => "dashboard" };
        mounting.AcceptOnlyFromAmong("dashboard", "cupholder", "pocket");
        var frame = new Option<string>("--frame") { Description = "device or earth.", DefaultValueFactory = _ => "device" };
        frame.AcceptOnlyFromAmong("device", "earth");
        var rate = new Option<double>("--rate") { Description = "Sampling rate in Hz (10–200).", DefaultValueFactory = _ => 50 };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same trip.", DefaultValueFactory = _ => 1 };
        var move = new Option<bool>("--move") { Description = "Move the phone to a new orientation at its first handling." };
        var gps = new Option<bool>("--gps") { Description = "Also write 1 Hz GPS fixes (gps.csv: time,latitude,longitude,speed)." };
        var command = new Command("simulate", "Write a simulated phone trip (aggressive and calm manoeuvres, handling, gaps) as per-sensor files with its ground truth.")
        {
            output, mounting, frame, rate, seed, move, gps,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var hz = parse.GetValue(rate);
            if (hz is < 10 or > 200)
            {
                parse.InvocationConfiguration.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"--rate: {hz} is outside 10–200 Hz."));
                return ExitCodes.Usage;
            }

            var options = new PhoneSimulationOptions
            {
                Mounting = parse.GetValue(mounting) switch { "pocket" => PhoneMounting.Pocket, "cupholder" => PhoneMounting.CupHolder, _ => PhoneMounting.Dashboard },
                Frame = parse.GetValue(frame) == "earth" ? SensorFrame.Earth : SensorFrame.Device,
                RateHz = hz,
                MoveMidTrip = parse.GetValue(move),
                Gps = parse.GetValue(gps),
            };
            var trip = PhoneSensorSimulator.Simulate(options, (ulong)parse.GetValue(seed));
            var directory = parse.GetValue(output)!.FullName;
            var files = await WriteStagedAsync(directory, trip, cancellationToken);
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {string.Join(", ", files)} and truth.csv to {directory}: {trip.Manoeuvres.Count} manoeuvres, {trip.Handling.Count} handlings; {trip.MountingDescription}"));
            return ExitCodes.Success;
        });
        return command;
    }

    // The files are written into a folder beside them and moved in by renames only once all are complete: a run cancelled
    // or failing midway leaves no sensor file without its truth.csv (or a short one) that 'events detect' would read.
    private static async Task<IReadOnlyList<string>> WriteStagedAsync(string directory, SimulatedPhoneTrip trip, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var staging = Path.Combine(directory, $".simulate.{Guid.NewGuid():N}.partial");
        try
        {
            var files = await ImuLogWriter.WriteDirectoryAsync(trip.Recording, staging, cancellationToken);
            await WriteTruthAsync(Path.Combine(staging, "truth.csv"), trip);
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var name in files.Append("truth.csv"))
            {
                File.Move(Path.Combine(staging, name), Path.Combine(directory, name), overwrite: true);
            }

            return files;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static async Task WriteTruthAsync(string path, SimulatedPhoneTrip trip)
    {
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        await writer.WriteLineAsync("event,name,start,end,peak_mps2");
        foreach (var m in trip.Manoeuvres)
        {
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{(m.Kind is { } kind ? DetectionReport.Name(kind) : "calm")},{m.Name},{Iso(m.StartNs)},{Iso(m.EndNs)},{m.PeakMps2:F2}"));
        }

        foreach (var (start, end) in trip.Handling)
        {
            await writer.WriteLineAsync($"phone_handling,phone handled,{Iso(start)},{Iso(end)},");
        }
    }

    private static string Iso(long ns) => DateTimeOffset.FromUnixTimeMilliseconds(ns / 1_000_000).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
