using Telematics.Features.Schema;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Packaging;
using Telematics.Training.Modeling;

namespace Telematics.Training.Packaging;

/// <summary>
/// What <see cref="ExternalOnnxPackager.Package"/> packages: an ONNX model trained elsewhere, the population it was trained
/// on, and what the graph alone cannot say (which features its inputs are, what its output measures).
/// </summary>
public sealed class ExternalOnnxRequest
{
    /// <summary>Package name (lower-case letters, digits, '.', '_' or '-'; 1–64 characters).</summary>
    public required string Name { get; init; }

    /// <summary>Version within the name (letters, digits, '.', '_' or '-').</summary>
    public required string Version { get; init; }

    /// <summary>The ONNX file's bytes, written to the package as they are.</summary>
    public required byte[] Onnx { get; init; }

    /// <summary>
    /// The drivers the model was trained on, as <see cref="TelematicsFeatures.Schema"/> (telematics@1) vectors with their
    /// observation window (<see cref="DriverFeatures.ObservedDays"/>, required for a telematics@2 model, whose vector is
    /// derived from them as the scorer derives it): the model's raw output over them gives the calibration knots, their
    /// medians the reference row and their smallest and largest values the training ranges.
    /// </summary>
    public required IReadOnlyList<DriverFeatures> Population { get; init; }

    /// <summary>The feature schema version the model reads (1 or 2).</summary>
    /// <value>Default <see cref="TelematicsFeaturesV2.SchemaVersion"/>, the current schema.</value>
    public int SchemaVersion { get; init; } = TelematicsFeaturesV2.SchemaVersion;

    /// <summary>
    /// Schema feature names in model input order (tensor columns, or the inputs of a graph with one input per feature);
    /// null: the graph's input names, when it has one input per feature.
    /// </summary>
    public IReadOnlyList<string>? Features { get; init; }

    /// <summary>The input tensor; null: the graph's only input.</summary>
    public string? TensorName { get; init; }

    /// <summary>The output that is the raw output; null: the only output, or a classifier's probability output.</summary>
    public string? OutputName { get; init; }

    /// <summary>What the raw output measures; null: a probability when the output is a classifier's, else it must be given.</summary>
    public ModelOutputKind? OutputKind { get; init; }

    /// <summary>The label of the class whose probability is the raw output (see <see cref="Scoring.Onnx.OnnxModelSpec.PositiveClass"/>).</summary>
    public string? PositiveClass { get; init; }

    /// <summary>The output column or class position that is the raw output (see <see cref="Scoring.Onnx.OnnxModelSpec.PositiveIndex"/>).</summary>
    public int? PositiveIndex { get; init; }

    /// <summary>Claimed directions of risk per feature, checked at load by a sweep over the training range.</summary>
    public IReadOnlyDictionary<string, RiskDirection> Monotone { get; init; } = new Dictionary<string, RiskDirection>();

    /// <summary>Free-form facts about where the model and its data come from, added to the manifest's training block.</summary>
    public IReadOnlyDictionary<string, string> Training { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Whether a version already in the directory (its folder, or <c>&lt;version&gt;.zip</c> beside it) is replaced whole,
    /// the <c>.zip</c> removed; else it is refused and left as it was.
    /// </summary>
    public bool Replace { get; init; }
}

/// <summary>What <see cref="ExternalOnnxPackager.Package"/> wrote.</summary>
/// <param name="Folder">The package folder, <c>&lt;dir&gt;/&lt;name&gt;/&lt;version&gt;</c>.</param>
/// <param name="Sha256">SHA-256 of <c>model.onnx</c>, lower-case hex.</param>
/// <param name="Features">The model's input features, in input order.</param>
/// <param name="OutputName">The ONNX output the manifest names.</param>
/// <param name="OutputKind">What the raw output measures.</param>
/// <param name="Knots">The calibration knots (raw, score).</param>
/// <param name="Drivers">Drivers whose raw output the knots are made of.</param>
/// <param name="DriversWithoutOutput">Drivers left out because the model's output for them is not finite (a missing feature the graph does not impute).</param>
public sealed record ExternalPackageResult(
    string Folder, string Sha256, IReadOnlyList<string> Features, string OutputName, ModelOutputKind OutputKind,
    IReadOnlyList<(double Raw, double Score)> Knots, int Drivers, int DriversWithoutOutput);
