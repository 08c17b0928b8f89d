using System.Globalization;
using System.Security.Cryptography;
using Telematics.Features.Schema;
using Telematics.Scoring.Models;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Packaging;
using Telematics.Training.Modeling;

namespace Telematics.Training.Packaging;

/// <summary>
/// Turns an ONNX model trained anywhere into a model package Telematics.Scoring serves, computing what a manifest written
/// by hand gets wrong: the file's SHA-256, the calibration to 0–100 (the raw output's quantiles over the training
/// population, a knot every 5 %, as <see cref="OnnxPackageWriter"/> calibrates the models trained here, but with a value
/// many drivers share — a tree's leaf — at the middle of its group: <see cref="OnnxPackageWriter.MidRankKnots"/>), the reference row
/// (each input's median) and the training ranges (each input's smallest and largest value).
/// </summary>
/// <remarks>
/// The raw output is computed by the scoring runtime itself (<see cref="OnnxRiskModel"/> with the manifest's binding), so
/// the knots are those of the values a served driver gets. The package is written to a '.' staging folder beside its
/// place, loaded from there by <see cref="ModelPackageLoader"/> — the registry's checks: hash, binding, output kind sweep,
/// monotone sweep, reference smoke score — and only then renamed into place; any failure leaves the directory as it was.
/// </remarks>
public static class ExternalOnnxPackager
{
    /// <summary>Writes <c>&lt;modelDirectory&gt;/&lt;name&gt;/&lt;version&gt;/</c> (<c>model.onnx</c> + <c>manifest.json</c>) once it loads.</summary>
    /// <param name="request">The model, its population and what the graph does not say.</param>
    /// <param name="modelDirectory">Registry root; created when missing.</param>
    /// <param name="cancellationToken">Stops the work before the package is renamed into place; nothing is left behind.</param>
    /// <returns>Where the package is and what was computed.</returns>
    /// <exception cref="ArgumentException">
    /// The request is incomplete or inconsistent: an invalid name or version, an unknown schema version, a feature not in the
    /// schema, an input, output or kind that the graph leaves ambiguous and the request does not name, a driver of a
    /// telematics@2 model without an observation window. The message says what to give.
    /// </exception>
    /// <exception cref="ModelPackageException">The model does not load, bind or score as asked, or the written package fails a load check (a monotone claim the model breaks, an output its kind cannot take).</exception>
    /// <exception cref="InvalidOperationException">
    /// The population cannot calibrate the model: an input the model reads has no value for any driver, no driver has both
    /// driving and a finite output, or the model gives every driver the same output.
    /// </exception>
    /// <exception cref="IOException">
    /// The version (its folder or <c>&lt;version&gt;.zip</c>) exists, before the work or just before the swap, and
    /// <see cref="ExternalOnnxRequest.Replace"/> is false, or the folder cannot be written. Replaced, a <c>.zip</c> of the
    /// version is removed once the folder is in place.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static ExternalPackageResult Package(ExternalOnnxRequest request, string modelDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Onnx);
        ArgumentNullException.ThrowIfNull(request.Population);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        OnnxPackageWriter.CheckIdentity(request.Name, request.Version, nameof(request));
        var schema = request.SchemaVersion switch
        {
            TelematicsFeatures.SchemaVersion => TelematicsFeatures.Schema,
            TelematicsFeaturesV2.SchemaVersion => TelematicsFeaturesV2.Schema,
            _ => throw new ArgumentException($"Schema version {request.SchemaVersion} is not one this SDK provides: {TelematicsFeatures.Schema} or {TelematicsFeaturesV2.Schema}.", nameof(request)),
        };

        var folder = Path.Combine(Path.GetFullPath(modelDirectory), request.Name, request.Version);
        // Refused before any work, so that a long population is not read for nothing (and again before the swap).
        PackageFolder.RefuseExisting(folder, request.Replace);

        var binding = ExternalOnnxBinding.Bind(request, schema);
        cancellationToken.ThrowIfCancellationRequested();

        var spec = new OnnxModelSpec
        {
            InputLayout = binding.PerFeature ? OnnxInputLayout.PerFeature : OnnxInputLayout.Tensor,
            TensorInputName = binding.TensorName ?? "float_input",
            Features = binding.Features,
            OutputName = binding.OutputName,
            OutputKind = binding.Kind,
            PositiveClass = request.PositiveClass,
            PositiveIndex = request.PositiveIndex,
        };
        var (rows, raw, leftOut) = RawOutputs(request, schema, spec, cancellationToken);
        var knots = OnnxPackageWriter.MidRankKnots(raw);
        var (medians, ranges) = OnnxPackageWriter.Summaries(rows, fullRange: true);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(request.Onnx));

        var training = new List<KeyValuePair<string, string>>
        {
            new("trainer", "external: an ONNX model trained elsewhere, packaged as it is by Telematics.Training ExternalOnnxPackager"),
            new("population_drivers", raw.Length.ToString(CultureInfo.InvariantCulture)),
            new("calibration", ManifestJson.MidRankCalibrationNote),
            new("training_ranges", "smallest and largest value of each input over the population"),
            new("reference", "median of each input over the population"),
        };
        training.AddRange(request.Training);
        var directions = new Dictionary<string, RiskDirection>(StringComparer.Ordinal);
        foreach (var (feature, direction) in request.Monotone)
        {
            if (!binding.Features.Contains(feature, StringComparer.Ordinal))
            {
                throw new ArgumentException($"Monotone feature '{feature}' is not one of the model's inputs ({string.Join(", ", binding.Features)}).", nameof(request));
            }

            if (direction != RiskDirection.Unknown)
            {
                directions[feature] = direction;
            }
        }

        var parts = new ManifestParts(
            request.Name, request.Version, sha256, schema.Version, binding.PerFeature, binding.TensorName, binding.Features, binding.OutputName,
            binding.Kind.ToString().ToLowerInvariant(), knots, medians, ranges, directions, training)
        {
            PositiveClass = request.PositiveClass,
            PositiveIndex = request.PositiveIndex,
        };
        var manifest = ManifestJson.Write(parts, metrics: null);
        cancellationToken.ThrowIfCancellationRequested();

        PackageFolder.Write(folder, request.Onnx, manifest, request.Replace, staging =>
        {
            // The registry's own load: a package that would be refused there is not put in place.
            try
            {
                using var package = ModelPackageLoader.Load(staging);
            }
            catch (ModelPackageException e)
            {
                // Named by its place, not by the staging folder that is removed with it.
                throw new ModelPackageException($"{e.Message.Replace(staging, folder, StringComparison.Ordinal)} Nothing was written.", e);
            }

            cancellationToken.ThrowIfCancellationRequested();
        });
        return new ExternalPackageResult(folder, sha256, binding.Features, binding.OutputName, binding.Kind, knots, raw.Length, leftOut);
    }

    /// <summary>Each driver's model row and raw output, as the scorer computes them; drivers with no driving or a non-finite output are left out.</summary>
    private static (List<float[]> Rows, float[] Raw, int LeftOut) RawOutputs(ExternalOnnxRequest request, FeatureSchema schema, OnnxModelSpec spec, CancellationToken cancellationToken)
    {
        OnnxRiskModel model;
        try
        {
            model = OnnxRiskModel.Load(request.Onnx, schema, spec);
        }
        catch (Exception e) when (e is InvalidDataException or ModelBindingException or ModelScoringException)
        {
            throw new ModelPackageException($"Model {request.Name}@{request.Version}: {e.Message}", e);
        }

        using (model)
        {
            var width = model.Binding.Count;
            Span<float> scratch = stackalloc float[SchemaVectors.MaxDerivedLength];
            var rows = new List<float[]>(request.Population.Count);
            var leftOut = 0;
            for (var i = 0; i < request.Population.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var driver = request.Population[i];
                var features = driver.Features.Span;
                if (features.Length != TelematicsFeatures.Schema.Count)
                {
                    throw new ArgumentException($"Driver '{driver.DriverId}' (population row {i}) has {features.Length} values; a {TelematicsFeatures.Schema} vector has {TelematicsFeatures.Schema.Count}.", nameof(request));
                }

                if (TelematicsFeatures.ShowsNoDriving(features))
                {
                    // The scorer refuses such a driver, so it is no part of the population the scores rank.
                    leftOut++;
                    continue;
                }

                // The scorer's own step from the v1 vector and window to the model's schema, with its window checks.
                var row = new float[width];
                model.Binding.Gather(SchemaVectors.ForBinding(model.Binding, features, driver.ObservedDays, driver.DriverId, scratch), row);
                rows.Add(row);
            }

            if (rows.Count > 0)
            {
                RefuseInputsWithoutValues(rows, spec.Features);
            }

            var flat = new float[rows.Count * width];
            for (var r = 0; r < rows.Count; r++)
            {
                rows[r].CopyTo(flat, r * width);
            }

            var outputs = new float[rows.Count];
            try
            {
                model.Score(flat, outputs);
            }
            catch (ModelScoringException e)
            {
                throw new ModelPackageException($"Model {request.Name}@{request.Version} cannot score the population: {e.Message}", e);
            }

            var kept = new List<float[]>(rows.Count);
            var raw = new List<float>(rows.Count);
            for (var r = 0; r < rows.Count; r++)
            {
                if (float.IsFinite(outputs[r]))
                {
                    kept.Add(rows[r]);
                    raw.Add(outputs[r]);
                }
                else
                {
                    leftOut++;
                }
            }

            if (raw.Count == 0)
            {
                // The population's data, not the request, is what is wrong: refused as data.
                throw new InvalidOperationException($"No driver of the population ({request.Population.Count}) has both driving and a finite output from the model; a calibration needs the population's outputs.");
            }

            return (kept, [.. raw], leftOut);
        }
    }

    /// <summary>
    /// Refuses an input the model reads that no driver has a value for: its median and range would be missing from the
    /// manifest, the reference row would score it as 0, and the calibration would rank outputs of a value never seen.
    /// </summary>
    private static void RefuseInputsWithoutValues(List<float[]> rows, IReadOnlyList<string> features)
    {
        for (var f = 0; f < features.Count; f++)
        {
            if (!rows.Exists(row => float.IsFinite(row[f])))
            {
                throw new InvalidOperationException(
                    $"Input '{features[f]}' of the model has no value for any of the {rows.Count} drivers with driving in the population (every value missing), so its reference, training range and the calibration would be made up; give the population's values for it.");
            }
        }
    }
}
