using System.Text.Json;
using Telematics.Features.Schema;
using Telematics.Training.Evaluation;
using Telematics.Training.Modeling;

namespace Telematics.Training.Packaging;

/// <summary>Writes manifest.json in the shape Telematics.Scoring's package loader reads (snake_case keys).</summary>
internal static class ManifestJson
{
    public static byte[] Write(
        PackageRequest request, PackageContent content, string inputName, string outputName, PackagedOutput output,
        IReadOnlyList<(double Raw, double Score)> knots, float[] medians, (float Min, float Max)[] ranges, string sha256, double claimRate)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("name", request.Name);
            json.WriteString("version", request.Version);
            json.WriteString("kind", "onnx");
            json.WriteString("file", OnnxPackageWriter.ModelFileName);
            json.WriteString("sha256", sha256);
            json.WriteStartObject("feature_schema");
            json.WriteString("name", TelematicsFeatures.SchemaName);
            json.WriteNumber("version", content.Schema.Version);
            json.WriteEndObject();

            json.WriteStartObject("inputs");
            json.WriteString("layout", "tensor");
            json.WriteString("tensor_name", inputName);
            json.WriteStartArray("features");
            foreach (var feature in content.Features)
            {
                json.WriteStringValue(feature);
            }

            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteStartObject("output");
            json.WriteString("name", outputName);
            json.WriteString("kind", output == PackagedOutput.Frequency ? "frequency" : "score");
            json.WriteEndObject();

            json.WriteStartObject("calibration");
            json.WriteString("kind", "piecewise_linear");
            json.WriteStartArray("knots");
            foreach (var (raw, score) in knots)
            {
                json.WriteStartArray();
                json.WriteNumberValue(raw);
                json.WriteNumberValue(score);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteStartObject("reference");
            for (var f = 0; f < medians.Length; f++)
            {
                if (!float.IsNaN(medians[f]))
                {
                    json.WriteNumber(content.Features[f], medians[f]);
                }
            }

            json.WriteEndObject();

            // What the model was fitted over (the central 99 % of training drivers): a score for a driver outside these is an
            // extrapolation, and its confidence and credibility are lowered.
            json.WriteStartObject("training_ranges");
            for (var f = 0; f < ranges.Length; f++)
            {
                if (float.IsFinite(ranges[f].Min) && float.IsFinite(ranges[f].Max))
                {
                    json.WriteStartObject(content.Features[f]);
                    json.WriteNumber("min", ranges[f].Min);
                    json.WriteNumber("max", ranges[f].Max);
                    json.WriteEndObject();
                }
            }

            json.WriteEndObject();

            if (content.Directions.Count > 0)
            {
                // Checked at load: a sweep of each feature over its training range must move the output this way only.
                json.WriteStartObject("monotone");
                foreach (var (feature, direction) in content.Directions)
                {
                    json.WriteString(feature, direction.ToWireName());
                }

                json.WriteEndObject();
            }

            if (request.SamplingNoise is { } noise && output == PackagedOutput.Frequency)
            {
                // Gives each score its interval: ln λ over n trips lies about sd/√n from the driver's long-run ln λ.
                json.WriteStartObject("sampling_noise");
                json.WriteString("per", "trip");
                json.WriteNumber("sd", noise);
                json.WriteEndObject();
            }

            json.WriteStartObject("training");
            json.WriteString("trainer", content.Trainer);
            json.WriteString("converter", content.Converter);
            json.WriteString("raw_output", output == PackagedOutput.Frequency
                ? "expected claims per year of exposure"
                : "natural log of the expected claims per year of exposure (exp gives the frequency)");
            json.WriteString("calibration", "score = percentile of the raw output in the training population (knots every 5 %)");
            foreach (var (key, value) in request.Training)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();

            json.WriteStartObject("metrics");
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

            json.WriteEndObject();
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
