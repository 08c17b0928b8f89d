using System.Globalization;
using Telematics.Features.Schema;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Score;

/// <summary><c>telematics score</c> with the shipped telematics@2 model and a relativity plan.</summary>
public sealed class ScoreRelativityTests : IDisposable
{
    private readonly EventFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string ShippedPackage()
    {
        return Path.Combine(RepositoryRoot.Path, "src", "Telematics.Scoring", "Shipped", "telematics-frequency");
    }

    // Two drivers with the same (typical) habits: one observed for 2 days, one for a year.
    private async Task<string> FeaturesAsync(bool withDays)
    {
        var header = string.Join(',', TelematicsFeatures.Schema.Features.ToArray().Select(f => f.Name));
        var typical = new float[TelematicsFeatures.Schema.Count];
        typical[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.MeanTripKm)] = 9;
        typical[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare)] = 0.3f;
        typical[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.MeanAbsJerkMps3)] = 0.25f;
        typical[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.P95LateralG)] = 0.06f;
        typical[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.PhoneMinutesPerHour)] = 6;
        var values = string.Join(',', typical.Select(v => v.ToString(CultureInfo.InvariantCulture)));
        var path = _files.PathOf(withDays ? "features-days.csv" : "features.csv");
        await File.WriteAllTextAsync(path, withDays
            ? $"driver_id,observed_days,{header}\nshort,2,{values}\nlong,365,{values}\n"
            : $"driver_id,{header}\nshort,{values}\n");
        return path;
    }

    private async Task<string> PlanAsync(string extra = "")
    {
        var path = _files.PathOf("relativity.json");
        await File.WriteAllTextAsync(path, $$"""
            {
              "name": "test-relativity", "currency": "EUR", "rounding": { "decimals": 2, "mode": "half_even" },
              "base_rate": { "default": 600.00 },
              "telematics_relativity": { "book_mean_frequency": 0.1026, "credibility_days": 60, "max_discount_percent": 30, "max_surcharge_percent": 50 }
              {{extra}}
            }
            """);
        return path;
    }

    // A features CSV row: the driver, its observation window in days and its telematics@1 vector.
    private static string Row(string id, int days, float[] habits) =>
        $"{id},{days},{string.Join(',', habits.Select(v => v.ToString(CultureInfo.InvariantCulture)))}";

    private static void Set(float[] habits, string feature, float value) => habits[TelematicsFeatures.Schema.IndexOf(feature)] = value;

    // Scores rows made by Row with the shipped model: the output's cells by driver id, and the summary printed.
    private async Task<(Dictionary<string, string[]> Rows, string Summary)> ScoreRowsAsync(params string[] rows)
    {
        var header = string.Join(',', TelematicsFeatures.Schema.Features.ToArray().Select(f => f.Name));
        var features = _files.PathOf("drivers.csv");
        await File.WriteAllTextAsync(features, $"driver_id,observed_days,{header}\n{string.Join('\n', rows)}\n");
        var output = _files.PathOf("scores.csv");

        var (exit, text, error) = await CliRunner.RunAsync("score", "--features", features, "--model", ShippedPackage(), "--output", output);

        Assert.True(exit == ExitCodes.Success, error);
        return ((await File.ReadAllLinesAsync(output)).Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[0]), text);
    }

    [Fact]
    public async Task Each_score_carries_the_interval_of_its_trips_and_whether_its_category_is_settled()
    {
        var habits = new float[TelematicsFeatures.Schema.Count];
        Set(habits, TelematicsFeatures.MeanTripKm, 9);
        Set(habits, TelematicsFeatures.NightShare, 0.05f);
        Set(habits, TelematicsFeatures.MeanAbsJerkMps3, 0.25f);
        string Trips(string id, int days, int trips)
        {
            Set(habits, TelematicsFeatures.TripCount, trips);
            Set(habits, TelematicsFeatures.DistanceKm, trips * 9);
            return Row(id, days, habits);
        }

        var (rows, text) = await ScoreRowsAsync(Trips("week", 7, 14), Trips("year", 365, 730));

        double Cell(string id, int index) => double.Parse(rows[id][index], CultureInfo.InvariantCulture);
        // Same habits at the same rates, so the same score; the interval narrows about √(730 / 14) ≈ 7 times in ln λ.
        Assert.Equal(Cell("week", 1), Cell("year", 1), 1);
        foreach (var id in new[] { "week", "year" })
        {
            Assert.InRange(Cell(id, 1), Cell(id, 14), Cell(id, 15));
        }

        Assert.True(Cell("week", 15) - Cell("week", 14) > 3 * (Cell("year", 15) - Cell("year", 14)), string.Join(',', rows["week"][14..]) + " / " + string.Join(',', rows["year"][14..]));
        Assert.Equal("false", rows["week"][16]);
        Assert.Contains("categories settled by their 90 % interval:", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_driver_beyond_the_training_ranges_is_scored_with_lowered_confidence_and_counted_so()
    {
        var habits = new float[TelematicsFeatures.Schema.Count];
        Set(habits, TelematicsFeatures.MeanTripKm, 9);
        Set(habits, TelematicsFeatures.PhoneMinutesPerHour, 6);
        Set(habits, TelematicsFeatures.TripCount, 40);
        Set(habits, TelematicsFeatures.DistanceKm, 360);
        string Habits(string id, float night, float jerk)
        {
            Set(habits, TelematicsFeatures.NightShare, night);
            Set(habits, TelematicsFeatures.MeanAbsJerkMps3, jerk);
            return Row(id, 30, habits);
        }

        // The recorded NDS-BR driver A's night share and jerk: far beyond the synthetic drivers the model was fitted on.
        var (rows, text) = await ScoreRowsAsync(Habits("typical", 0.05f, 0.2f), Habits("beyond", 0.6f, 0.41f));

        Assert.Equal(("0", "high"), (rows["typical"][12], rows["typical"][13]));
        Assert.Equal(("0.4", "low"), (rows["beyond"][12], rows["beyond"][13]));
        Assert.Contains("confidence (inputs inside the model's training ranges): high 1, medium 0, low 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_risky_habits_cost_more_with_a_year_of_data_than_with_two_days()
    {
        var output = _files.PathOf("scores.csv");

        var (exit, _, error) = await CliRunner.RunAsync("score", "--features", await FeaturesAsync(withDays: true), "--model", ShippedPackage(), "--plan", await PlanAsync(), "--output", output);

        Assert.True(exit == ExitCodes.Success, error);
        var rows = (await File.ReadAllLinesAsync(output)).Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[0]);
        var shortPremium = decimal.Parse(rows["short"][8], CultureInfo.InvariantCulture);
        var longPremium = decimal.Parse(rows["long"][8], CultureInfo.InvariantCulture);
        Assert.Equal(rows["short"][1], rows["long"][1]);
        // Two days give the model a credibility of 2/62, a year 365/425: the same relativity moves the premium little,
        // then up to the 50 % surcharge cap.
        var relativity = double.Parse(rows["short"][3], CultureInfo.InvariantCulture) / 0.1026;
        Assert.True(relativity > 2, $"relativity {relativity}: these habits are risky");
        Assert.Equal(600 * (1 + (2.0 / 62 * (relativity - 1))), (double)shortPremium, 0.05);
        Assert.Equal(Math.Min(600 * (1 + (365.0 / 425 * (relativity - 1))), 900), (double)longPremium, 0.05);
    }

    [Fact]
    public async Task The_age_band_and_vehicle_class_price_the_classical_relativities_and_the_cell_mean()
    {
        var plan = await PlanAsync("""
            , "classical_relativities": { "age_band": { "under25": 2.0 }, "vehicle_class": { "suv": 0.9 } }
            """);
        var features = await FeaturesAsync(withDays: true);
        var plain = _files.PathOf("plain.csv");
        var young = _files.PathOf("young.csv");

        var (plainExit, _, plainError) = await CliRunner.RunAsync("score", "--features", features, "--model", ShippedPackage(), "--plan", plan, "--output", plain);
        var (youngExit, _, youngError) = await CliRunner.RunAsync(
            "score", "--features", features, "--model", ShippedPackage(), "--plan", plan, "--age-band", "under25", "--vehicle-class", "suv", "--output", young);
        var (badExit, _, badError) = await CliRunner.RunAsync(
            "score", "--features", features, "--model", ShippedPackage(), "--plan", plan, "--age-band", "teen", "--output", _files.PathOf("bad.csv"));

        Assert.True(plainExit == ExitCodes.Success, plainError);
        Assert.True(youngExit == ExitCodes.Success, youngError);
        var before = decimal.Parse((await File.ReadAllLinesAsync(plain))[1].Split(',')[8], CultureInfo.InvariantCulture);
        var after = decimal.Parse((await File.ReadAllLinesAsync(young))[1].Split(',')[8], CultureInfo.InvariantCulture);
        // Same λ, same book mean: only the classical factors 2.0 × 0.9 differ (both premiums rounded to cents).
        Assert.True(Math.Abs(after - (before * 1.8m)) <= 0.02m, $"{after} against 1.8 × {before}");
        Assert.Equal(ExitCodes.Usage, badExit);
        Assert.StartsWith("--age-band: 'teen' is not one of under25, 25_39, 40_64, over65.", badError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plan_discounting_what_the_model_prices_is_refused_naming_it()
    {
        var plan = await PlanAsync(""", "discounts": [{ "name": "low_night", "feature": "night_share", "when": "<=", "threshold": 0.05, "percent": 5 }]""");

        var (exit, _, error) = await CliRunner.RunAsync("score", "--features", await FeaturesAsync(withDays: true), "--model", ShippedPackage(), "--plan", plan, "--output", _files.PathOf("s.csv"));

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains("'night_share' (discount 'low_night') is already priced by model telematics-frequency@3", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_window_the_window_invariant_model_fails_the_driver_by_name()
    {
        var output = _files.PathOf("scores.csv");

        var (exit, _, _) = await CliRunner.RunAsync("score", "--features", await FeaturesAsync(withDays: false), "--model", ShippedPackage(), "--output", output);

        Assert.Equal(ExitCodes.PartialFailure, exit);
        var line = (await File.ReadAllLinesAsync(output))[1];
        Assert.StartsWith("short,", line, StringComparison.Ordinal);
        Assert.Contains("observation window", line, StringComparison.Ordinal);
    }
}
