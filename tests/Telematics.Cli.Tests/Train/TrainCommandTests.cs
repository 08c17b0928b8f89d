using System.Text.Json.Nodes;
using Telematics.Cli.Train;
using Telematics.Training.Modeling;
using Telematics.Training.Synthetic;

namespace Telematics.Cli.Tests.Train;

public sealed class TrainCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "telematics-train-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Varied_windows_package_the_window_invariant_GLM_with_a_holdout_and_without_excluded_features()
    {
        var models = Path.Combine(_directory, "models");
        var report = Path.Combine(_directory, "report.md");

        var (exit, output, error) = await CliRunner.RunAsync(
            "train", "--drivers", "600", "--days", "12", "--min-days", "4", "--seed", "31", "--folds", "2", "--trees", "20",
            "--holdout-drivers", "300", "--exclude-features", "night_share,late_night_share", "--stability-drivers", "100", "--cv-seeds", "2",
            "--output", models, "--report", report);

        Assert.True(exit == 0, error);
        Assert.Contains("glm-telematics out-of-fold", output, StringComparison.Ordinal);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(models, "telematics-frequency", "1", "manifest.json")))!;
        Assert.Equal(2, manifest["feature_schema"]!["version"]!.GetValue<int>());
        var inputs = manifest["inputs"]!["features"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
        Assert.DoesNotContain("night_share", inputs);
        Assert.DoesNotContain("gps_gap_share", inputs);
        var text = await File.ReadAllTextAsync(report);
        Assert.Contains("## Fresh holdout", text, StringComparison.Ordinal);
        Assert.Contains("`night_share`: excluded by the training switch", text, StringComparison.Ordinal);
        Assert.Contains("`gps_gap_share`: data quality", text, StringComparison.Ordinal);
        Assert.Contains("| age band | under25 |", text, StringComparison.Ordinal);
        Assert.Contains("## Classical relativities and cell means", text, StringComparison.Ordinal);
        // The relativities fitted on the training drivers, checked on the holdout's: one row per age band and vehicle class.
        var holdoutSection = text[text.IndexOf("Classical correction on the holdout", StringComparison.Ordinal)..];
        holdoutSection = holdoutSection[..holdoutSection.IndexOf("\n## ", StringComparison.Ordinal)];
        Assert.Contains("| age band | under25 |", holdoutSection, StringComparison.Ordinal);
        Assert.Contains("| vehicle class | performance |", holdoutSection, StringComparison.Ordinal);
        Assert.Contains("pricing-plan fragment: ", output, StringComparison.Ordinal);
        // The fragment pasted into a relativity plan is a valid plan.
        var fragment = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_directory, "report.plan.json")))!.AsObject();
        var plan = JsonNode.Parse("""
            { "name": "p", "currency": "EUR", "rounding": { "decimals": 2 }, "base_rate": { "default": 600 },
              "telematics_relativity": { "credibility_days": 60, "max_discount_percent": 30, "max_surcharge_percent": 50 } }
            """)!.AsObject();
        plan["classical_relativities"] = fragment["classical_relativities"]!.DeepClone();
        foreach (var (name, value) in fragment["telematics_relativity"]!.AsObject())
        {
            plan["telematics_relativity"]![name] = value!.DeepClone();
        }

        var parsed = Telematics.Scoring.Pricing.PricingPlanJson.Parse(plan.ToJsonString());
        Assert.True(parsed.Classical!.AgeBands["under25"] > parsed.Classical.AgeBands["40_64"]);
        Assert.Contains("| glm-telematics | 32 |", text, StringComparison.Ordinal);
        Assert.Contains("| 90 | 1.000 | 100.0 % | 0.0 | 1.000 |", text, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_directory, "report.credibility.png")));
    }

    [Fact]
    public async Task A_report_that_cannot_be_written_leaves_no_package_behind()
    {
        var models = Path.Combine(_directory, "models");
        // A folder where the report file should go: writing the report fails after every model was fitted.
        var report = Path.Combine(_directory, "report.md");
        Directory.CreateDirectory(report);

        var (exit, _, error) = await CliRunner.RunAsync(
            "train", "--drivers", "200", "--days", "3", "--seed", "5", "--folds", "2", "--trees", "10", "--output", models, "--report", report);

        Assert.True(exit == ExitCodes.InputError, error);
        // The package is written last, so a run that fails before then has not put a version in the model directory.
        Assert.False(Directory.Exists(Path.Combine(models, "telematics-frequency", "1")), "a package was written without its report");
    }

    [Fact]
    public void A_run_cancelled_after_the_final_fits_writes_neither_the_report_nor_the_package()
    {
        var models = Path.Combine(_directory, "models");
        var report = Path.Combine(_directory, "report.md");
        var settings = new TrainSettings
        {
            Population = new SyntheticPopulationOptions { DriverCount = 200, PeriodDays = 3, Seed = 5 },
            Training = new TrainingOptions { Folds = 2, Trees = 10, Seed = 5 },
            OutputDirectory = models,
            ReportFile = report,
            Name = "telematics-frequency",
            Version = "1",
            Command = "test",
        };
        using var cancel = new CancellationTokenSource();

        // Ctrl-C once the final models are fitted and the package exported: the last step before anything is written.
        Assert.ThrowsAny<OperationCanceledException>(() => TrainRun.Execute(settings, (stage, total) => done =>
        {
            if (stage.StartsWith("final models", StringComparison.Ordinal) && done == total)
            {
                cancel.Cancel();
            }
        }, cancel.Token));

        Assert.False(File.Exists(report));
        Assert.False(Directory.Exists(Path.Combine(models, "telematics-frequency", "1")));
    }

    [Fact]
    public async Task A_feature_outside_telematics_2_cannot_be_excluded()
    {
        var (exit, _, error) = await CliRunner.RunAsync(
            "train", "--drivers", "200", "--days", "3", "--exclude-features", "distance_km", "--output", Path.Combine(_directory, "m"));

        Assert.Equal(2, exit);
        Assert.Contains("'distance_km' is not a feature of telematics@2", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Holdout_checks_need_a_holdout()
    {
        var (exit, _, error) = await CliRunner.RunAsync(
            "train", "--drivers", "200", "--days", "3", "--require-holdout-checks", "--output", Path.Combine(_directory, "m"));

        Assert.Equal(2, exit);
        Assert.Contains("--require-holdout-checks needs --holdout-drivers", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--cv-seeds", "0", "--cv-seeds must be 1 to 10")]
    [InlineData("--stability-drivers", "50", "--stability-drivers must be at least 100")]
    [InlineData("--threads", "0", "--threads must be at least 1")]
    [InlineData("--threads", "-2", "--threads must be at least 1")]
    public async Task Seed_repeats_and_stability_drivers_are_checked(string option, string value, string message)
    {
        var (exit, _, error) = await CliRunner.RunAsync("train", "--drivers", "200", "--days", "3", option, value, "--output", Path.Combine(_directory, "m"));

        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--features|f.csv|--labels|l.csv|--days|30", "--days shapes the synthetic population (--drivers)")]
    [InlineData("--features|f.csv|--labels|l.csv|--min-exposure-years|0.5", "--min-exposure-years shapes the synthetic population (--drivers)")]
    [InlineData("--drivers|200|--holdout-days|30", "--holdout-days shapes the holdout population: give --holdout-drivers too")]
    [InlineData("--drivers|200|--holdout-seed|7", "--holdout-seed shapes the holdout population: give --holdout-drivers too")]
    [InlineData("--drivers|200|--seed|5|--holdout-drivers|200|--holdout-seed|5", "--holdout-seed 5 is the seed of the training population")]
    [InlineData("--drivers|200|--seed|5|--stability-drivers|200|--holdout-drivers|200|--holdout-seed|7", "--holdout-seed 7 is the seed of the window-stability population")]
    public async Task An_option_the_run_would_ignore_is_a_usage_error_naming_it(string options, string message)
    {
        var (exit, _, error) = await CliRunner.RunAsync(["train", .. options.Split('|'), "--output", Path.Combine(_directory, "m")]);

        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
