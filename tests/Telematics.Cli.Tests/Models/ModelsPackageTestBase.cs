using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Telematics.Cli.Models;
using Telematics.Features.Schema;
using Telematics.Scoring.Tests.TestModels;
using Telematics.Training.Packaging;

namespace Telematics.Cli.Tests.Models;

/// <summary>
/// What the <c>telematics models package</c> tests share: a model directory of their own, the ONNX graphs and the
/// population CSV they package, ONNX Runtime's own outputs and the percentiles the package must hold.
/// </summary>
public abstract class ModelsPackageTestBase : IDisposable
{
    protected const int Drivers = 60;
    protected static readonly string Braking = TelematicsFeatures.HarshBrakingPer100Km;
    protected static readonly string Phone = TelematicsFeatures.PhoneMinutesPerHour;

    private protected TestPackages Packages { get; } = new();

    public void Dispose()
    {
        Packages.Dispose();
        GC.SuppressFinalize(this);
    }

    protected string Dir => Packages.ModelsRoot;

    protected string Onnx(string name, byte[] model)
    {
        var path = Path.Combine(Packages.Root, name);
        File.WriteAllBytes(path, model);
        return path;
    }

    /// <summary>exp(0.0001·annual_km + 0.15·harsh_braking − 2.5): a Poisson frequency over a telematics@2 rate and a v1 feature.</summary>
    protected static byte[] FrequencyRegressor() =>
        new OnnxBuilder().FloatInput("features", 2).TensorOutput("frequency", OnnxBuilder.Float, 1)
            .Node("LinearRegressor", "ai.onnx.ml", ["features"], ["log_rate"], a => a.Floats("coefficients", 0.0001f, 0.15f).Floats("intercepts", -2.5f))
            .Node("Exp", "", ["log_rate"], ["frequency"])
            .Build();

    // Each driver's telematics@1 vector and window: distance, trips, braking and phone vary; the rest is missing.
    protected static (float[] Vector, int Days)[] Population()
    {
        var drivers = new (float[], int)[Drivers];
        for (var i = 0; i < Drivers; i++)
        {
            var vector = new float[TelematicsFeatures.Schema.Count];
            Array.Fill(vector, float.NaN);
            vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.DistanceKm)] = 40 + (i * 37 % 300);
            vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.TripCount)] = 4 + (i % 11);
            vector[TelematicsFeatures.Schema.IndexOf(Braking)] = (i * 17 % 50) / 10f;
            vector[TelematicsFeatures.Schema.IndexOf(Phone)] = (i * 13 % 40) / 10f;
            vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare)] = (i % 10) / 10f;
            drivers[i] = (vector, 7 + (i % 23));
        }

        return drivers;
    }

    protected string WriteCsv(Func<int, string, string>? edit = null, bool days = true)
    {
        string[] columns = [TelematicsFeatures.DistanceKm, TelematicsFeatures.TripCount, Braking, TelematicsFeatures.NightShare, Phone];
        var text = new StringBuilder("driver_id" + (days ? ",observed_days" : "") + "," + string.Join(',', columns) + "\n");
        var population = Population();
        for (var i = 0; i < population.Length; i++)
        {
            var (vector, window) = population[i];
            var line = $"d-{i}" + (days ? $",{window}" : "") + "," + string.Join(',', columns.Select(c => vector[TelematicsFeatures.Schema.IndexOf(c)].ToString("R", CultureInfo.InvariantCulture)));
            text.Append(edit is null ? line : edit(i, line)).Append('\n');
        }

        var path = Path.Combine(Packages.Root, "features.csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    // The population's model rows as telematics@2 (the default schema) gives them, in the graph's input order.
    protected static float[][] Rows(params string[] features)
    {
        var v2 = new float[TelematicsFeaturesV2.Schema.Count];
        return [.. Population().Select(d =>
        {
            TelematicsFeaturesV2.FromV1(d.Vector, d.Days, v2);
            return features.Select(f => v2[TelematicsFeaturesV2.Schema.IndexOf(f)]).ToArray();
        })];
    }

    // ONNX Runtime's own output of the rows, read straight from the graph (column `column` of a [N, C] float output).
    protected static float[] OrtOutputs(byte[] model, float[][] rows, string input, string output, int column = 0)
    {
        using var session = new InferenceSession(model);
        var flat = rows.SelectMany(r => r).ToArray();
        using var tensor = OrtValue.CreateTensorValueFromMemory(flat, [rows.Length, rows[0].Length]);
        using var run = new RunOptions();
        using var results = session.Run(run, [input], [tensor], [output]);
        var values = results[0].GetTensorDataAsSpan<float>().ToArray();
        var columns = values.Length / rows.Length;
        return [.. Enumerable.Range(0, rows.Length).Select(r => values[(r * columns) + column])];
    }

    // Knots at every 5 % position: the value there and its mid-rank percentile (drivers below it plus half of the others
    // sharing it, over n − 1), once per value.
    protected static List<(double Raw, double Score)> Percentiles(float[] raw)
    {
        var sorted = raw.Order().ToArray();
        var knots = new List<(double, double)>();
        for (var q = 0; q <= 20; q++)
        {
            var value = sorted[(int)Math.Round(q / 20.0 * (sorted.Length - 1))];
            if (knots.Count == 0 || value > knots[^1].Item1)
            {
                var below = sorted.Count(v => v < value);
                var sharing = sorted.Count(v => v == value);
                knots.Add((value, 100 * (below + ((sharing - 1) / 2.0)) / (sorted.Length - 1)));
            }
        }

        return knots;
    }

    protected static double Interpolate(IReadOnlyList<(double Raw, double Score)> knots, double raw)
    {
        if (raw <= knots[0].Raw)
        {
            return knots[0].Score;
        }

        for (var k = 1; k < knots.Count; k++)
        {
            if (raw <= knots[k].Raw)
            {
                var (x0, y0) = knots[k - 1];
                var (x1, y1) = knots[k];
                return y0 + ((raw - x0) / (x1 - x0) * (y1 - y0));
            }
        }

        return knots[^1].Score;
    }

    protected JsonObject Manifest(string name, string version) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Dir, name, version, "manifest.json")))!.AsObject();

    protected static List<(double Raw, double Score)> Knots(JsonObject manifest) =>
        [.. manifest["calibration"]!["knots"]!.AsArray().Select(k => ((double)k![0]!, (double)k[1]!))];

    protected void AssertSummaries(JsonObject manifest, float[][] rows, string[] features, float[] raw)
    {
        var knots = Knots(manifest);
        Assert.Equal("piecewise_linear", (string?)manifest["calibration"]!["kind"]);
        Assert.Equal(Percentiles(raw), knots);
        for (var f = 0; f < features.Length; f++)
        {
            var column = rows.Select(r => r[f]).Order().ToArray();
            Assert.Equal(column[column.Length / 2], (float)manifest["reference"]![features[f]]!);
            // Read as the registry reads them (double): the population's own extremes exactly, so neither end is outside.
            Assert.Equal(column[0], (float)(double)manifest["training_ranges"]![features[f]]!["min"]!);
            Assert.Equal(column[^1], (float)(double)manifest["training_ranges"]![features[f]]!["max"]!);
        }
    }

    // What a refusal must leave: the model directory as it was (here, nothing at all).
    protected void AssertNothingWritten() =>
        Assert.True(!Directory.Exists(Dir) || !Directory.EnumerateFileSystemEntries(Dir, "*", SearchOption.AllDirectories).Any(),
            Directory.Exists(Dir) ? string.Join(", ", Directory.EnumerateFileSystemEntries(Dir, "*", SearchOption.AllDirectories)) : "");

    // `models package` of the frequency regressor over annual_km and harsh braking, as telematics@2, with `extra` options.
    protected Task<(int Exit, string Output, string Error)> PackageFrequency(string csv, params string[] extra) =>
        CliRunner.RunAsync(["models", "package", "--onnx", Onnx("freq.onnx", FrequencyRegressor()), "--features", csv,
            "--name", "partner-freq", "--version", "1", "--dir", Dir, "--features-list", $"{TelematicsFeaturesV2.AnnualKm},{Braking}", .. extra]);

    protected string WriteV2NamedCsv()
    {
        var text = new StringBuilder($"driver_id,observed_days,{TelematicsFeaturesV2.AnnualKm},{TelematicsFeatures.NightShare}\n");
        for (var i = 0; i < Drivers; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"d-{i},14,{5000 + (i * 250)},{(1 + (i % 9)) / 10.0}\n");
        }

        var path = Path.Combine(Packages.Root, "v2-names.csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>The SDK request for the frequency regressor over the population, each driver with its window unless <paramref name="withoutWindow"/> names its row.</summary>
    protected static ExternalOnnxRequest FrequencyRequest(int? withoutWindow = null) => new()
    {
        Name = "partner-freq",
        Version = "1",
        Onnx = FrequencyRegressor(),
        Population = Population().Select((d, i) => new Telematics.Scoring.Batch.DriverFeatures($"d-{i}", d.Vector) { ObservedDays = i == withoutWindow ? null : d.Days }).ToList(),
        Features = [TelematicsFeaturesV2.AnnualKm, Braking],
        OutputKind = Telematics.Scoring.Packaging.ModelOutputKind.Frequency,
    };
}
