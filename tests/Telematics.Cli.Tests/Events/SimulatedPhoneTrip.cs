using System.Globalization;

namespace Telematics.Cli.Tests.Events;

/// <summary>
/// A phone trip written by <c>events simulate --gps</c> (per-sensor files and truth.csv) with its GPS fixes as an SDK
/// events file: the labelled harsh brakings (each one a detected manoeuvre), and how many of each kind the trip's harsh
/// rates must count when the phone is given.
/// </summary>
internal sealed record SimulatedPhoneTrip(string PhoneDirectory, string EventsFile, int Braking, RateCount BrakingRate, RateCount AcceleratingRate, RateCount CorneringRate)
{
    // The trip features' own thresholds (TripFeatureAccumulator), above the detector's: a manoeuvre counts in a rate
    // only when its measured peak passes them.
    private const double BrakingMps2 = 3.4;
    private const double AcceleratingMps2 = 3.4;
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

        // truth.csv: event,name,start,end,peak_mps2. A manoeuvre whose true peak is within 15 % of a rate's threshold may be
        // measured on either side of it (noise, the body's pitch and roll, smoothing): it may count or not.
        int braking = 0;
        RateCount brakingRate = default, acceleratingRate = default, corneringRate = default;
        foreach (var f in (await File.ReadAllLinesAsync(Path.Combine(phone, "truth.csv"))).Skip(1).Select(l => l.Split(',')))
        {
            // Handling rows have no peak.
            var peak = f[4].Length == 0 ? double.NaN : double.Parse(f[4], CultureInfo.InvariantCulture);
            switch (f[0])
            {
                case "harsh_braking":
                    braking++;
                    brakingRate = brakingRate.Add(peak, BrakingMps2);
                    break;
                case "harsh_acceleration":
                    acceleratingRate = acceleratingRate.Add(peak, AcceleratingMps2);
                    break;
                case "harsh_left_turn" or "harsh_right_turn" or "aggressive_left_lane_change" or "aggressive_right_lane_change":
                    corneringRate = corneringRate.Add(peak, CorneringMps2);
                    break;
            }
        }

        return new SimulatedPhoneTrip(phone, events, braking, brakingRate, acceleratingRate, corneringRate);
    }
}

/// <summary>How many labelled manoeuvres a harsh rate must count: at least <see cref="Min"/>, at most <see cref="Max"/>.</summary>
internal readonly record struct RateCount(int Min, int Max)
{
    /// <summary>Adds a manoeuvre with this true peak: counted when clearly beyond the threshold, maybe within 15 % of it.</summary>
    public RateCount Add(double peakMps2, double thresholdMps2) =>
        Math.Abs(peakMps2 - thresholdMps2) <= 0.15 * thresholdMps2 ? this with { Max = Max + 1 }
        : peakMps2 > thresholdMps2 ? new RateCount(Min + 1, Max + 1)
        : this;
}
