using Telematics.Features.Schema;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.ML;
using Telematics.Training.Datasets;
using Telematics.Training.Modeling;
using Telematics.Scoring.Packaging;

namespace Telematics.Training.Packaging;

/// <summary>
/// Exports a telematics@1 frequency model to ONNX and writes a model package Telematics.Scoring loads:
/// <c>&lt;directory&gt;/&lt;name&gt;/&lt;version&gt;/model.onnx</c> and <c>manifest.json</c>.
/// </summary>
/// <remarks>
/// The exported graph keeps only the <c>Score</c> output. It is run with ONNX Runtime on the training drivers and
/// compared with ML.NET's predictions: the comparison decides (and proves) whether its raw output is the frequency
/// or its log (<see cref="PackagedOutput"/>), and a difference above <see cref="Tolerance"/> fails the export. The
/// calibration maps the raw output to 0–100 through the training population's quantiles (knot at every 5 %), so a
/// score is the driver's percentile of predicted risk in that population. The converter writes no model version,
/// so the manifest carries name, version, training facts and metrics.
/// </remarks>
public static partial class OnnxPackageWriter
{
    /// <summary>The model file inside a package.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>Largest accepted difference between ML.NET's and ONNX Runtime's frequency for a driver.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Exports the model and writes the package (<see cref="Prepare"/>, then <see cref="PreparedPackage.Commit"/>).</summary>
    /// <param name="request">Model, identity and training record.</param>
    /// <param name="data">The training population: its quantiles calibrate the score, its medians form the reference row.</param>
    /// <param name="modelDirectory">Registry root; the package goes to <c>&lt;name&gt;/&lt;version&gt;/</c> under it (replaced whole if present).</param>
    /// <returns>Where the package is and what its output is.</returns>
    /// <exception cref="ArgumentException">The name or version is invalid, or the model is not a telematics-only model.</exception>
    /// <exception cref="InvalidOperationException">The exported graph does not reproduce ML.NET's predictions.</exception>
    public static PackageResult Write(PackageRequest request, TrainingDataset data, string modelDirectory) =>
        Prepare(request, data, modelDirectory).Commit();

    /// <summary>
    /// Exports the model and checks the graph against the model's own predictions, writing nothing yet: a caller that
    /// writes a report about the package first commits the package last, so that a package never stands without it.
    /// </summary>
    /// <param name="request">Model, identity and training record.</param>
    /// <param name="data">The training population: its quantiles calibrate the score, its medians form the reference row.</param>
    /// <param name="modelDirectory">Registry root; <see cref="PreparedPackage.Commit"/> writes to <c>&lt;name&gt;/&lt;version&gt;/</c> under it.</param>
    /// <returns>The package in memory, with what it will be.</returns>
    /// <exception cref="ArgumentException">The name or version is invalid, or the model is not a telematics-only model.</exception>
    /// <exception cref="InvalidOperationException">The exported graph does not reproduce ML.NET's predictions.</exception>
    public static PreparedPackage Prepare(PackageRequest request, TrainingDataset data, string modelDirectory)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        CheckIdentity(request.Name, request.Version, nameof(request));

        var content = request.Model.Kind switch
        {
            FrequencyModelKind.TreesTelematics => Trees(request.Model, data),
            FrequencyModelKind.GlmTelematics => Glm(request.Model.Glm!, data),
            _ => throw new ArgumentException(
                $"Only {FrequencyModelKind.GlmTelematics.Name()} and {FrequencyModelKind.TreesTelematics.Name()} models can be packaged: the scoring runtime provides telematics features only.", nameof(request)),
        };

        var onnx = content.Onnx;
        using var graph = new OnnxGraphCheck(onnx, content.Features.Count, content.OutputName);
        var raw = graph.Run(content.Rows);
        var (output, maxDifference) = Compare(raw, content.Expected);
        var knots = QuantileKnots(raw);
        var (medians, ranges) = Summaries(content.Rows);
        var manifest = ManifestJson.Write(request, content, graph.InputName, graph.OutputName, output, knots, medians, ranges, Convert.ToHexStringLower(SHA256.HashData(onnx)), data.ClaimRate());

        var folder = Path.Combine(Path.GetFullPath(modelDirectory), request.Name, request.Version);
        return new PreparedPackage(
            new PackageResult(folder, Convert.ToHexStringLower(SHA256.HashData(onnx)), output, graph.OutputName, maxDifference, knots), onnx, manifest);
    }

    // The trees read all 29 telematics@1 features; ML.NET's converter writes the graph.
    private static PackageContent Trees(FrequencyModel model, TrainingDataset data)
    {
        var rows = new List<float[]>(data.Count);
        for (var i = 0; i < data.Count; i++)
        {
            rows.Add(data.Features(i).ToArray());
        }

        var names = new List<string>();
        foreach (var feature in TelematicsFeatures.Schema.Features)
        {
            names.Add(feature.Name);
        }

        return new PackageContent(
            Export(model, rows), TelematicsFeatures.Schema, names, rows, model.Predict(rows), null,
            "ML.NET 5.0.1 FastTreeTweedie (index 1 = Poisson), rate target claims/exposure weighted by exposure",
            "Microsoft.ML.OnnxConverter 0.23.1",
            new Dictionary<string, RiskDirection>());
    }

    // The GLM reads only its terms' telematics@2 features, in term order; its graph is written here.
    private static PackageContent Glm(MonotonePoissonGlm glm, TrainingDataset data)
    {
        var v2 = new float[TelematicsFeaturesV2.Schema.Count];
        var rows = new List<float[]>(data.Count);
        var expected = new float[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            data.WriteV2Features(i, v2);
            var row = new float[glm.Terms.Count];
            for (var k = 0; k < row.Length; k++)
            {
                row[k] = v2[glm.Terms[k].SchemaIndex];
            }

            rows.Add(row);
            expected[i] = (float)glm.PredictFrequency(v2);
        }

        var names = new List<string>();
        var directions = new Dictionary<string, RiskDirection>();
        foreach (var term in glm.Terms)
        {
            names.Add(term.Factor.Feature);
            if (term.Factor.Direction != RiskDirection.Unknown)
            {
                directions[term.Factor.Feature] = term.Factor.Direction;
            }
        }

        return new PackageContent(
            GlmOnnxGraph.Write(glm), TelematicsFeaturesV2.Schema, names, rows, expected, GlmOnnxGraph.OutputName,
            "Telematics.Training MonotonePoissonGlm: Poisson GLM by IRLS (MathNet.Numerics) on telematics@2 rating factors, terms clipped to the training range, direction-constrained, weak terms dropped by Wald test",
            "Telematics.Training GlmOnnxGraph (ai.onnx opset 17)",
            directions);
    }

    private static byte[] Export(FrequencyModel model, List<float[]> rows)
    {
        var sample = rows.GetRange(0, Math.Min(rows.Count, 16));
        var view = ModelInputs.LoadFeaturesOnly(model.Context, sample, TrainingDataset.FeatureCount);
        using var stream = new MemoryStream();
        model.Context.Model.ConvertToOnnx(model.Transformer, view, stream, "Score");
        return stream.ToArray();
    }

    /// <summary>Refuses a package name or version the registry would not serve.</summary>
    /// <exception cref="ArgumentException">Either is invalid.</exception>
    internal static void CheckIdentity(string name, string version, string parameter)
    {
        if (name is null || version is null || !NamePattern().IsMatch(name) || !VersionPattern().IsMatch(version))
        {
            throw new ArgumentException($"Package name '{name}' must be 1–64 of [a-z0-9._-] and version '{version}' 1–64 of [A-Za-z0-9._-], each starting with a letter or digit and not ending in '.'.", parameter);
        }

        if (name == ModelPackage.BuiltInName)
        {
            throw new ArgumentException($"The name '{ModelPackage.BuiltInName}' is reserved for the built-in model.", parameter);
        }
    }

    /// <summary>Decides what the raw output is by matching it to ML.NET's frequency, and returns the largest frequency difference.</summary>
    internal static (PackagedOutput Output, double MaxDifference) Compare(ReadOnlySpan<float> raw, ReadOnlySpan<float> expectedFrequency)
    {
        double direct = 0, logged = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            direct = Math.Max(direct, Math.Abs(raw[i] - expectedFrequency[i]));
            logged = Math.Max(logged, Math.Abs(Math.Exp(raw[i]) - expectedFrequency[i]));
        }

        if (direct <= Tolerance)
        {
            return (PackagedOutput.Frequency, direct);
        }

        if (logged <= Tolerance)
        {
            return (PackagedOutput.LogFrequency, logged);
        }

        throw new InvalidOperationException(
            $"The exported ONNX graph does not reproduce ML.NET: largest difference {direct:G4} as a frequency and {logged:G4} as a log frequency (tolerance {Tolerance}).");
    }

    /// <summary>Knots (raw quantile, percent) at every 5 % of the population; equal quantiles keep their first knot.</summary>
    internal static IReadOnlyList<(double Raw, double Score)> QuantileKnots(ReadOnlySpan<float> raw)
    {
        var sorted = raw.ToArray();
        Array.Sort(sorted);
        var knots = new List<(double, double)>();
        for (var q = 0; q <= 20; q++)
        {
            var value = (double)sorted[(int)Math.Round(q / 20.0 * (sorted.Length - 1))];
            if (knots.Count == 0 || value > knots[^1].Item1)
            {
                knots.Add((value, q * 5.0));
            }
        }

        return AtLeastTwo(knots);
    }

    /// <summary>
    /// Knots (raw value, percent) for any model's output, ties included: at every 5 % position of the sorted population,
    /// the value there and its mid-rank percentile, 100·(first + last position of that value)/2/(n − 1). An untied value
    /// is at its own position (the smallest 0, the largest 100, as <see cref="QuantileKnots"/>); a value many drivers
    /// share — a tree's leaf — gets the middle of its group, so 60 % of drivers at the lowest leaf score 30 rather than
    /// 0, and the top 10 % at one leaf 95 rather than 90. One knot per value, raw strictly increasing.
    /// </summary>
    internal static IReadOnlyList<(double Raw, double Score)> MidRankKnots(ReadOnlySpan<float> raw)
    {
        var sorted = raw.ToArray();
        Array.Sort(sorted);
        var last = sorted.Length - 1;
        var knots = new List<(double, double)>();
        for (var q = 0; q <= 20; q++)
        {
            var at = (int)Math.Round(q / 20.0 * last);
            var value = sorted[at];
            if (knots.Count > 0 && value <= knots[^1].Item1)
            {
                continue;
            }

            // The group of equal values around this position (sorted, so it is contiguous).
            int first = at, end = at;
            while (first > 0 && sorted[first - 1] == value)
            {
                first--;
            }

            while (end < last && sorted[end + 1] == value)
            {
                end++;
            }

            knots.Add((value, 100.0 * (first + end) / 2 / last));
        }

        return AtLeastTwo(knots);
    }

    private static List<(double Raw, double Score)> AtLeastTwo(List<(double Raw, double Score)> knots) => knots.Count >= 2 ? knots
        : throw new InvalidOperationException("The model gives every training driver the same output; a 0–100 calibration needs at least two distinct values.");

    /// <summary>
    /// Each feature's median (the manifest's <c>reference</c>: the upper middle value) and its range for
    /// <c>training_ranges</c> over the training drivers, from one sorted column per feature; NaN values left out, NaN
    /// when a feature never has a value. The range is <see cref="CentralRange.Tolerated"/> (the 0.5th to 99.5th percentile
    /// widened by a tenth of its width, within the data), or with <paramref name="fullRange"/> the smallest and largest value.
    /// </summary>
    internal static (float[] Medians, (float Min, float Max)[] Ranges) Summaries(IReadOnlyList<float[]> rows, bool fullRange = false)
    {
        var width = rows.Count == 0 ? 0 : rows[0].Length;
        var medians = new float[width];
        var ranges = new (float Min, float Max)[width];
        var column = new double[rows.Count];
        for (var f = 0; f < width; f++)
        {
            var known = 0;
            foreach (var row in rows)
            {
                if (!float.IsNaN(row[f]))
                {
                    column[known++] = row[f];
                }
            }

            if (known == 0)
            {
                (medians[f], ranges[f]) = (float.NaN, (float.NaN, float.NaN));
                continue;
            }

            var values = column.AsSpan(0, known);
            values.Sort();
            var (min, max) = fullRange ? (values[0], values[^1]) : CentralRange.Tolerated(values);
            // The values are floats widened to double, so the middle one narrows back exactly.
            (medians[f], ranges[f]) = ((float)values[known / 2], ((float)min, (float)max));
        }

        return (medians, ranges);
    }

    // \z, not $ (which also matches before a final newline); no trailing '.', which Windows drops from a folder name, so
    // '1.' would be written as version '1'.
    [GeneratedRegex(@"\A[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9_-])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\A[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9_-])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}

/// <summary>A package exported and checked by <see cref="OnnxPackageWriter.Prepare"/>, not yet on disk.</summary>
public sealed class PreparedPackage
{
    private readonly byte[] _model;
    private readonly byte[] _manifest;
    private bool _committed;

    internal PreparedPackage(PackageResult result, byte[] model, byte[] manifest)
    {
        Result = result;
        _model = model;
        _manifest = manifest;
    }

    /// <summary>What the package is and where <see cref="Commit"/> writes it.</summary>
    public PackageResult Result { get; }

    /// <summary>
    /// Writes the package to <see cref="PackageResult.Folder"/>, replacing a version already there whole: the files go
    /// into a sibling folder whose name starts with '.' (which a registry does not serve), then renames swap it in, so a
    /// registry reading the directory meanwhile sees the old version or the new one, never half of one or a mix.
    /// </summary>
    /// <returns><see cref="Result"/>.</returns>
    /// <exception cref="InvalidOperationException">The package was committed already.</exception>
    /// <exception cref="IOException">The folder cannot be written; a version already there is left as it was.</exception>
    public PackageResult Commit()
    {
        if (_committed)
        {
            throw new InvalidOperationException($"Package {Result.Folder} was committed already.");
        }

        PackageFolder.Write(Result.Folder, _model, _manifest, replace: true);
        _committed = true;
        return Result;
    }
}

/// <summary>What <see cref="OnnxPackageWriter.Write"/> wrote.</summary>
/// <param name="Folder">The package folder.</param>
/// <param name="Sha256">SHA-256 of <c>model.onnx</c>, lower-case hex.</param>
/// <param name="Output">What the raw output is.</param>
/// <param name="OutputName">The ONNX output the manifest names.</param>
/// <param name="MaxDifference">Largest |ML.NET − ONNX Runtime| frequency over the training drivers.</param>
/// <param name="Knots">The calibration knots (raw, score).</param>
public sealed record PackageResult(
    string Folder, string Sha256, PackagedOutput Output, string OutputName, double MaxDifference, IReadOnlyList<(double Raw, double Score)> Knots);

/// <summary>What a model kind contributes to its package: the graph, the schema and inputs it binds, and its own predictions to check the graph against.</summary>
internal sealed record PackageContent(
    byte[] Onnx,
    FeatureSchema Schema,
    IReadOnlyList<string> Features,
    List<float[]> Rows,
    float[] Expected,
    string? OutputName,
    string Trainer,
    string Converter,
    IReadOnlyDictionary<string, RiskDirection> Directions);
