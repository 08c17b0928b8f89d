using System.Text.Json.Nodes;

namespace Telematics.Cli.Tests.Train;

/// <summary><c>telematics train --features F.csv --labels L.csv</c>: what is read from the two files and what is refused.</summary>
public sealed class TrainFromFilesTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "telematics-train-files-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    // A synthetic population's features.csv (with observed_days) and drivers.csv (the labels), as synth writes them.
    private async Task<(string Features, string Labels)> PopulationAsync(int drivers = 400)
    {
        var folder = Path.Combine(_directory, "population");
        var (exit, _, error) = await CliRunner.RunAsync("synth", "--drivers", drivers.ToString(System.Globalization.CultureInfo.InvariantCulture), "--days", "10", "--seed", "41", "--features-only", "--output", folder);
        Assert.True(exit == ExitCodes.Success, error);
        return (Path.Combine(folder, "features.csv"), Path.Combine(folder, "drivers.csv"));
    }

    private static Task<(int Exit, string Output, string Error)> TrainAsync(string features, string labels, string models, params string[] more) =>
        CliRunner.RunAsync(["train", "--features", features, "--labels", labels, "--folds", "2", "--trees", "20", "--threads", "1", "--output", models, .. more]);

    // features.csv without its observed_days column (the second): the telematics@1 trees would be packaged.
    private static async Task DropObservedDaysAsync(string features)
    {
        var lines = (await File.ReadAllLinesAsync(features)).Select(line =>
        {
            var cells = line.Split(',');
            return string.Join(',', cells.Take(1).Concat(cells.Skip(2)));
        }).ToList();
        await File.WriteAllLinesAsync(features, lines);
    }

    [Fact]
    public async Task Features_with_observed_days_train_and_package_the_window_invariant_GLM()
    {
        var (features, labels) = await PopulationAsync();
        var models = Path.Combine(_directory, "models");

        var (exit, output, error) = await TrainAsync(features, labels, models);

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("glm-telematics out-of-fold", output, StringComparison.Ordinal);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(models, "telematics-frequency", "1", "manifest.json")))!;
        Assert.Equal(2, manifest["feature_schema"]!["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_row_without_observed_days_among_rows_with_them_is_refused_naming_its_line_and_column()
    {
        var (features, labels) = await PopulationAsync(drivers: 100);
        var lines = await File.ReadAllLinesAsync(features);
        var cells = lines[3].Split(',');
        cells[1] = "";
        lines[3] = string.Join(',', cells);
        await File.WriteAllLinesAsync(features, lines);
        var models = Path.Combine(_directory, "models");

        var (exit, _, error) = await TrainAsync(features, labels, models);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains($"line 4, column 'observed_days': driver '{cells[0]}' has no observation window", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(models));
    }

    [Fact]
    public async Task Excluding_features_without_observed_days_is_refused_because_the_packaged_trees_would_read_them()
    {
        var (features, labels) = await PopulationAsync(drivers: 100);
        // Without the observed_days column (the second) the telematics@1 trees would be packaged.
        var lines = (await File.ReadAllLinesAsync(features)).Select(line =>
        {
            var cells = line.Split(',');
            return string.Join(',', cells.Take(1).Concat(cells.Skip(2)));
        });
        await File.WriteAllLinesAsync(features, lines);
        var models = Path.Combine(_directory, "models");

        var (exit, _, error) = await CliRunner.RunAsync(
            "train", "--features", features, "--labels", labels, "--exclude-features", "night_share", "--folds", "2", "--trees", "20", "--threads", "1", "--output", models);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--exclude-features cannot be honoured", error, StringComparison.Ordinal);
        Assert.Contains("no 'observed_days' column, so the telematics@1 trees would be packaged", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(models));
    }

    [Fact]
    public async Task Features_without_observed_days_are_refused_unless_a_model_without_monotone_directions_is_allowed()
    {
        var (features, labels) = await PopulationAsync(drivers: 120);
        await DropObservedDaysAsync(features);
        var models = Path.Combine(_directory, "models");

        var refused = await TrainAsync(features, labels, models);

        Assert.Equal(ExitCodes.Usage, refused.Exit);
        Assert.Contains("no 'observed_days' column, so the telematics@1 trees would be packaged, and they declare no monotone directions", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--allow-non-monotone-model", refused.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(models));

        var allowed = await TrainAsync(features, labels, models, "--allow-non-monotone-model");

        Assert.True(allowed.Exit == ExitCodes.Success, allowed.Error);
        Assert.Contains("trees-telematics out-of-fold", allowed.Output, StringComparison.Ordinal);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(models, "telematics-frequency", "1", "manifest.json")))!;
        Assert.Null(manifest["monotone"]);
    }

    [Fact]
    public async Task A_driver_on_two_rows_is_refused_naming_it_and_both_lines()
    {
        var (features, labels) = await PopulationAsync(drivers: 100);
        var lines = (await File.ReadAllLinesAsync(features)).ToList();
        lines.Add(lines[2]);
        await File.WriteAllLinesAsync(features, lines);
        var id = lines[2].Split(',')[0];

        var (exit, _, error) = await TrainAsync(features, labels, Path.Combine(_directory, "models"));

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains($"line {lines.Count}, column 'driver_id': driver '{id}' appears again (first on line 3)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_driver_rows_of_joined_telematics_features_tables_train_the_telematics_1_trees()
    {
        var (features, labels) = await PopulationAsync(drivers: 120);
        var lines = await File.ReadAllLinesAsync(features);
        var names = lines[0].Split(',')[2..];
        // What `telematics features` writes for each driver (a trip row, then the driver row), files joined with cat.
        var header = "kind,driver_id,trip,start_utc,end_utc,samples," + string.Join(',', names);
        var table = new List<string>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            var values = string.Join(',', cells[2..]);
            table.Add(header);
            table.Add($"trip,{cells[0]},1,2026-03-16T08:00:00.000Z,2026-03-16T08:30:00.000Z,1800,{string.Join(',', names.Select(_ => "999"))}");
            table.Add($"driver,{cells[0]},,2026-03-16T08:00:00.000Z,2026-03-25T18:00:00.000Z,36000,{values}");
        }

        var tablePath = Path.Combine(_directory, "table.csv");
        await File.WriteAllLinesAsync(tablePath, table);

        var (exit, output, error) = await TrainAsync(tablePath, labels, Path.Combine(_directory, "models"), "--allow-non-monotone-model");

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("trees-telematics out-of-fold", output, StringComparison.Ordinal);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_directory, "models", "telematics-frequency", "1", "manifest.json")))!;
        Assert.Equal("120", manifest["training"]!["drivers"]!.GetValue<string>());
    }
}
