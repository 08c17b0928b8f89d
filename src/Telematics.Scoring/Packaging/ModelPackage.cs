using System.Text.Json;
using Telematics.Features.Schema;
using Telematics.Scoring.Calibration;
using Telematics.Scoring.Models;
using Telematics.Scoring.Rules;

namespace Telematics.Scoring.Packaging;

/// <summary>
/// A loaded, validated model package: the model, its identity, calibration and reference row, and the
/// training metadata from its manifest.
/// </summary>
/// <remarks>
/// Immutable and safe to share between threads; disposing it disposes the model. Load with
/// <see cref="ModelPackageLoader.Load(string, FeatureSchema?, int, IReadOnlyList{IModelKindLoader}?)"/>, or use <see cref="CreateBuiltIn"/>.
/// </remarks>
public sealed class ModelPackage : IDisposable
{
    /// <summary>The reserved name of the built-in rule-based model; no package on disk may use it.</summary>
    public const string BuiltInName = "builtin-rules";

    /// <summary>The version of the built-in rule-based model.</summary>
    public const string BuiltInVersion = "1";

    private readonly float[] _referenceRow;

    internal ModelPackage(
        string name, string version, ModelKind kind, IRiskModel model, ScoreCalibration calibration, ModelOutputKind outputKind,
        float[] referenceRow, string sha256, string source, JsonElement? training, JsonElement? metrics)
    {
        Name = name;
        Version = version;
        Kind = kind;
        Model = model;
        Calibration = calibration;
        OutputKind = outputKind;
        _referenceRow = referenceRow;
        Sha256 = sha256;
        Source = source;
        Training = training;
        Metrics = metrics;
        ReferenceRaw = ScoreReference(model, referenceRow, name, version);
        ReferenceScore = calibration.ToScore(ReferenceRaw);
    }

    /// <summary>
    /// The range of each input the model was trained on (manifest <c>training_ranges</c>), in model input order; null
    /// when the package does not record them (then a score's out-of-range share is unknown).
    /// </summary>
    public TrainingRanges? TrainingRanges { get; internal init; }

    /// <summary>
    /// How far the model's prediction moves with the trips a driver's features rest on (manifest <c>sampling_noise</c>);
    /// null when the package does not record it (then scores carry no <see cref="Results.RiskScore.Interval"/>).
    /// </summary>
    public SamplingNoise? SamplingNoise { get; internal init; }

    /// <summary>Model name (lower-case letters, digits, '-', '_' and '.').</summary>
    public string Name { get; }

    /// <summary>Version within the name.</summary>
    public string Version { get; }

    /// <summary>The runtime the model needs.</summary>
    public ModelKind Kind { get; }

    /// <summary>The model.</summary>
    public IRiskModel Model { get; }

    /// <summary>Maps the model's raw output to 0–100.</summary>
    public ScoreCalibration Calibration { get; }

    /// <summary>What the raw output measures.</summary>
    public ModelOutputKind OutputKind { get; }

    /// <summary>The population's typical values in model input order: the row whose score is the reference score.</summary>
    public ReadOnlySpan<float> ReferenceRow => _referenceRow;

    /// <summary>The raw output of <see cref="ReferenceRow"/>, computed (and checked finite) at load.</summary>
    public double ReferenceRaw { get; }

    /// <summary>The score of <see cref="ReferenceRow"/>: factor contributions sum to score minus this.</summary>
    public double ReferenceScore { get; }

    /// <summary>SHA-256 of the model file, lower-case hex (empty for the built-in model).</summary>
    public string Sha256 { get; }

    /// <summary>Where the package was loaded from (a folder or .zip path, or <c>builtin</c>).</summary>
    public string Source { get; }

    /// <summary>The manifest's free-form training metadata, if any.</summary>
    public JsonElement? Training { get; }

    /// <summary>The manifest's free-form metrics, if any.</summary>
    public JsonElement? Metrics { get; }

    /// <summary>
    /// Why a driver's raw output cannot be scored, or null: not finite, or a probability outside [0, 1] (beyond float rounding),
    /// which clamping would pass off as a score of 0 or 100.
    /// </summary>
    internal string? RawProblem(double raw, string driverId) =>
        !double.IsFinite(raw) ? $"Model {this} returned {raw.ToString(System.Globalization.CultureInfo.InvariantCulture)} for driver '{driverId}'."
        : OutputKind == ModelOutputKind.Probability && !OutputKindCheck.IsProbability(raw)
            ? $"Model {this} returned {raw.ToString("G7", System.Globalization.CultureInfo.InvariantCulture)} for driver '{driverId}', outside [0, 1], so it is not the probability its output.kind says; the score is refused rather than clamped."
            : null;

    /// <summary>Returns <c>name@version</c>.</summary>
    public override string ToString() => $"{Name}@{Version}";

    /// <summary>Creates the built-in package: <see cref="RuleBasedModel.Default"/> under <see cref="BuiltInName"/>.</summary>
    public static ModelPackage CreateBuiltIn()
    {
        var model = RuleBasedModel.Default;
        var reference = new float[model.Binding.Count];
        model.CopyReferenceRow(reference);
        return new ModelPackage(BuiltInName, BuiltInVersion, ModelKind.Rules, model, RuleBasedModel.Calibration, ModelOutputKind.Score,
            reference, "", "builtin", null, null);
    }

    /// <summary>Disposes the model.</summary>
    public void Dispose() => Model.Dispose();

    private static double ScoreReference(IRiskModel model, float[] referenceRow, string name, string version)
    {
        Span<float> output = stackalloc float[1];
        model.Score(referenceRow, output);
        double raw = output[0];
        if (model is IAdditiveRiskModel additive)
        {
            // Additive models report their raw output in double precision; contributions are computed against it.
            raw = additive.Raw(referenceRow);
        }

        if (!double.IsFinite(raw))
        {
            throw new ModelPackageException($"Model {name}@{version} returned {raw} for its reference row; a smoke score must be finite.");
        }

        return raw;
    }

    /// <summary>Builds the reference row in model input order from the manifest's values, falling back to the built-in rules' references (telematics@1 or @2, by name; @2's exposure rates have none and take 0).</summary>
    internal static float[] BuildReferenceRow(ModelInputBinding binding, IReadOnlyDictionary<string, float>? reference, RuleBasedModel? rules = null)
    {
        var row = new float[binding.Count];
        if (rules is not null)
        {
            // What the manifest leaves out is at the rules' own references, not at the built-in model's.
            rules.CopyReferenceRow(row);
        }

        // telematics@2 shares v1's features but its three exposure rates: by name, those take the rules' references and the
        // rates (the rules' exposure references are totals of no stated window) stay 0.
        var isTelematics = binding.Schema.Name == TelematicsFeatures.SchemaName
            && (binding.Schema.Version == TelematicsFeatures.SchemaVersion || TelematicsFeaturesV2.Is(binding.Schema));
        for (var i = 0; i < row.Length; i++)
        {
            var feature = binding.FeatureNames[i];
            if (reference is not null && reference.TryGetValue(feature, out var value))
            {
                row[i] = value;
            }
            else if (isTelematics && rules is null && TelematicsFeatures.Schema.TryGetIndex(feature, out var v1Index))
            {
                row[i] = (float)DefaultRuleWeights.All[v1Index].Reference;
            }
        }

        return row;
    }
}
