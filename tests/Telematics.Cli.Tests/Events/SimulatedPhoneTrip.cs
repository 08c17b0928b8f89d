using System.Globalization;

namespace Telematics.Cli.Tests.Events;

/// <summary>
/// A phone trip written by <c>events simulate --gps</c> (per-sensor files and truth.csv) with its GPS fixes as an SDK
/// events file, and the labelled manoeuvre counts the trip's harsh rates must show when the phone is given.
/// </summary>
internal sealed record SimulatedPhoneTrip(string PhoneDirectory, string EventsFile, int Braking, int Accelerating, int Cornering, int BorderlineCornering)
{
    private const double CorneringMps2 = 3.9;

    public static async Task<SimulatedPhoneTrip> WriteAsync(string root, int seed)
    {
        var phone = Path.Combine(root, "phone");
        var (exit, _, error) = await CliRunner.RunAsync("events", "simulate", "--output", phone, "--mounting", "cupholder", "--seed", seed.ToString(CultureInfo.InvariantCulture), "--gps");
        Assert.True(exit == ExitCodes.Success, error);

        // gps.csv: time (Unix ns),latitude,longitude,speed → the SDK's CSV columns with Unix ms.
        var events = Path.Combine(root, "driver.csv");
        var rows = new List<string> { "timestamp,lat,lon,speed_mps" };
        foreach (var line in (await File.ReadAllLinesAsync(Path.Combine(phone, "gps.csv"))).Skip(1))
        {
            var f = line.Split(',');
            rows.Add($"{long.Parse(f[0], CultureInfo.InvariantCulture) / 1_000_000},{f[1]},{f[2]},{f[3]}");
        }

        await File.WriteAllLinesAsync(events, rows);

        // truth.csv: event,name,start,end,peak_mps2. Lane changes within 10 % of 0.4 g may count as cornering or not.
        int braking = 0, accelerating = 0, cornering = 0, borderline = 0;
        foreach (var f in (await File.ReadAllLinesAsync(Path.Combine(phone, "truth.csv"))).Skip(1).Select(l => l.Split(',')))
        {
            switch (f[0])
            {
                case "harsh_braking": braking++; break;
                case "harsh_acceleration": accelerating++; break;
                case "harsh_left_turn" or "harsh_right_turn": cornering++; break;
                case "aggressive_left_lane_change" or "aggressive_right_lane_change":
                    var peak = double.Parse(f[4], CultureInfo.InvariantCulture);
                    if (Math.Abs(peak - CorneringMps2) <= 0.1 * CorneringMps2)
                    {
                        borderline++;
                    }
                    else if (peak > CorneringMps2)
                    {
                        cornering++;
                    }

                    break;
            }
        }

        return new SimulatedPhoneTrip(phone, events, braking, accelerating, cornering, borderline);
    }
}
