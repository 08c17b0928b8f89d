using System.Text.Json;
using Telematics.Features.Schema;
using Telematics.Training.Evaluation;
using Telematics.Training.Modeling;

namespace Telematics.Training.Packaging;

/// <summary>What a manifest.json says, whoever made the model: <see cref="ManifestJson.Write(ManifestParts, Action{Utf8JsonWriter}?)"/> writes it.</summary>
internal sealed record ManifestParts(
    string Name,
    string Version,
    string Sha256,
    int SchemaVersion,
    bool PerFeatureInputs,
    string? TensorName,
    IReadOnlyList<string> Features,
    string OutputName,
    string OutputKind,
    IReadOnlyList<(double Raw, double Score)> Knots,
    float[] Medians,
    (float Min, float Max)[] Ranges,
    IReadOnlyDictionary<string, RiskDirection> Directions,
    IReadOnlyList<KeyValuePair<string, string>> Training)
{
    public string? PositiveClass { get; init; }

    public int? PositiveIndex { get; init; }

    public double? SamplingNoise { get; init; }
}

/// <summary>Writes manifest.json in the shape Telematics.Scoring's package loader reads (snake_case keys).</summary>
internal static class ManifestJson
{
    /// <summary>The manifest of a model trained here (<see cref="OnnxPackageWriter"/>), with its training record and metrics.</summary>
    public static byte[] Write(
        PackageRequest request, PackageContent content, string inputName, string outputName, PackagedOutput output,
        IReadOnlyList<(double Raw, double Score)> knots, float[] medians, (float Min, float Max)[] ranges, string sha256, double claimRate)
    {
        var training = new List<KeyValuePair<string, string>>
        {
            new("trainer", content.Trainer),
            new("converter", content.Converter),
            new("raw_output", output == PackagedOutput.Frequency
                ? "expected claims per year of exposure"
                : "natural log of the expected claims per year of exposure (exp gives the frequency)"),
            new("calibration", CalibrationNote),
        };
        training.AddRange(request.Training);
        var parts = new ManifestParts(
            request.Name, request.Version, sha256, content.Schema.Version, PerFeatureInputs: false, inputName, content.Features, outputName,
            output == PackagedOutput.Frequency ? "frequency" : "score", knots, medians, ranges, content.Directions, training)
        {
            // Gives each score its interval: ln λ over n trips lies about sd/√n from the driver's long-run ln λ.
            SamplingNoise = output == PackagedOutput.Frequency ? request.SamplingNoise : null,
        };
        return Write(parts, json =>
        {
            json.WriteString("evaluation", "out of fold");
            // The constant rate a holdout check must beat (scripts/check-holdout.sh reads it), claims per exposure year.
            json.WriteNumber("training_claim_rate", Math.Round(claimRate, 6));
            WriteEvaluation(json, request.Evaluation);
            if (request.Oracle is not null)
            {
                json.WriteStartObject("oracle");
                WriteEvaluation(json, request.Oracle);
                json.WriteEndObject();
            }
        });
    }

    /// <summary>How the calibration knots were chosen, as the training block says it.</summary>
    public const string CalibrationNote = "score = percentile of the raw output in the training population (knots every 5 %)";

    /// <summary>The calibration note of an external package, whose output may have ties (<see cref="OnnxPackageWriter.MidRankKnots"/>).</summary>
    public const string MidRankCalibrationNote = "score = mid-rank percentile of the raw output in the training population (knots every 5 %; drivers sharing an output get the middle of their group)";

    /// <summary>The manifest of <paramref name="parts"/>; <paramref name="metrics"/> writes the members of a <c>metrics</c> block, if any.</summary>
    public static byte[] Write(ManifestParts parts, Action<Utf8JsonWriter>? metrics)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("name", parts.Name);
            json.WriteString("version", parts.Version);
            json.WriteString("kind", "onnx");
            json.WriteString("file", OnnxPackageWriter.ModelFileName);
            json.WriteString("sha256", parts.Sha256);
            json.WriteStartObject("feature_schema");
            json.WriteString("name", TelematicsFeatures.SchemaName);
            json.WriteNumber("version", parts.SchemaVersion);
            json.WriteEndObject();

            json.WriteStartObject("inputs");
            json.WriteString("layout", parts.PerFeatureInputs ? "per_feature" : "tensor");
            if (!parts.PerFeatureInputs && parts.TensorName is not null)
            {
                json.WriteString("tensor_name", parts.TensorName);
            }

            json.WriteStartArray("features");
            foreach (var feature in parts.Features)
            {
                json.WriteStringValue(feature);
            }

            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteStartObject("output");
            json.WriteString("name", parts.OutputName);
            json.WriteString("kind", parts.OutputKind);
            if (parts.PositiveClass is not null)
            {
                json.WriteString("positive_class", parts.PositiveClass);
            }

            if (parts.PositiveIndex is { } index)
            {
                json.WriteNumber("positive_index", index);
            }

            json.WriteEndObject();

            json.WriteStartObject("calibration");
            json.WriteString("kind", "piecewise_linear");
            json.WriteStartArray("knots");
            foreach (var (raw, score) in parts.Knots)
            {
                json.WriteStartArray();
                json.WriteNumberValue(raw);
                json.WriteNumberValue(score);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteStartObject("reference");
            for (var f = 0; f < parts.Medians.Length; f++)
            {
                if (!float.IsNaN(parts.Medians[f]))
                {
                    json.WriteNumber(parts.Features[f], parts.Medians[f]);
                }
            }

            json.WriteEndObject();

            // What the model was fitted over: a score for a driver outside these is an extrapolation, and its confidence and
            // credibility are lowered.
            json.WriteStartObject("training_ranges");
            for (var f = 0; f < parts.Ranges.Length; f++)
            {
                if (float.IsFinite(parts.Ranges[f].Min) && float.IsFinite(parts.Ranges[f].Max))
                {
                    json.WriteStartObject(parts.Features[f]);
                    // The float's shortest decimal: TrainingRanges compares bounds at float precision, so it holds the float.
                    json.WriteNumber("min", parts.Ranges[f].Min);
                    json.WriteNumber("max", parts.Ranges[f].Max);
                    json.WriteEndObject();
                }
            }

            json.WriteEndObject();

            if (parts.Directions.Count > 0)
            {
                // Checked at load: a sweep of each feature over its training range must move the output this way only.
                json.WriteStartObject("monotone");
                foreach (var (feature, direction) in parts.Directions)
                {
                    json.WriteString(feature, direction.ToWireName());
                }

                json.WriteEndObject();
            }

            if (parts.SamplingNoise is { } noise)
            {
                json.WriteStartObject("sampling_noise");
                json.WriteString("per", "trip");
                json.WriteNumber("sd", noise);
                json.WriteEndObject();
            }

            json.WriteStartObject("training");
            foreach (var (key, value) in parts.Training)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();

            if (metrics is not null)
            {
                json.WriteStartObject("metrics");
                metrics(json);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteEvaluation(Utf8JsonWriter json, ModelEvaluation evaluation)
    {
        json.WriteNumber("mean_poisson_deviance", Math.Round(evaluation.MeanDeviance, 6));
        json.WriteNumber("null_mean_poisson_deviance", Math.Round(evaluation.NullMeanDeviance, 6));
        json.WriteNumber("deviance_explained", Math.Round(evaluation.DevianceExplained, 6));
        json.WriteNumber("gini", Math.Round(evaluation.Gini, 6));
        json.WriteNumber("normalised_gini", Math.Round(evaluation.NormalisedGini, 6));
        json.WriteNumber("auc", Math.Round(evaluation.Auc, 6));
    }
}
