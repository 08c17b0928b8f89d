using System.Text.Json;

namespace Telematics.Scoring.Packaging;

/// <summary>The manifest.json of a model package, as written (snake_case keys); see the package README for every field.</summary>
internal sealed class ModelManifest
{
    public const string FileName = "manifest.json";

    public string? Name { get; set; }
    public string? Version { get; set; }
    public ModelKind? Kind { get; set; }
    public string? File { get; set; }
    public string? Sha256 { get; set; }
    public SchemaRef? FeatureSchema { get; set; }
    public InputSpec? Inputs { get; set; }
    public OutputSpec? Output { get; set; }
    public CalibrationSpec? Calibration { get; set; }
    public Dictionary<string, float>? Reference { get; set; }
    public Dictionary<string, RangeSpec>? TrainingRanges { get; set; }

    /// <summary>Expected direction of risk per feature (<c>increasing</c> or <c>decreasing</c>), checked at load by a sweep over the training range.</summary>
    public Dictionary<string, string>? Monotone { get; set; }

    /// <summary>How far ln(predicted frequency) moves with the trips sampled; see <see cref="Packaging.SamplingNoise"/>.</summary>
    public NoiseSpec? SamplingNoise { get; set; }
    public JsonElement? Training { get; set; }
    public JsonElement? Metrics { get; set; }

    internal sealed class RangeSpec
    {
        public double? Min { get; set; }
        public double? Max { get; set; }
    }

    internal sealed class NoiseSpec
    {
        public string? Per { get; set; }
        public double? Sd { get; set; }
    }

    internal sealed class SchemaRef
    {
        public string? Name { get; set; }
        public int Version { get; set; }
    }

    internal sealed class InputSpec
    {
        public Onnx.OnnxInputLayout Layout { get; set; } = Onnx.OnnxInputLayout.Tensor;
        public string? TensorName { get; set; }
        public List<string>? Features { get; set; }
    }

    internal sealed class OutputSpec
    {
        public string? Name { get; set; }
        public ModelOutputKind Kind { get; set; } = ModelOutputKind.Probability;
        public string? PositiveClass { get; set; }
        public int? PositiveIndex { get; set; }
    }

    internal sealed class CalibrationSpec
    {
        // Nullable: a block without "kind" is refused, not read as the enum's first value (linear, ignoring its knots).
        public Calibration.CalibrationKind? Kind { get; set; }
        public double? Scale { get; set; }
        public double? Offset { get; set; }
        public double? Slope { get; set; }
        public double? Intercept { get; set; }
        public List<double[]>? Knots { get; set; }
    }
}

/// <summary>The rules file of a <c>rules</c> package.</summary>
internal sealed class RulesFile
{
    public double Intercept { get; set; }
    public List<RuleSpec>? Weights { get; set; }

    internal sealed class RuleSpec
    {
        public string? Feature { get; set; }
        public double Weight { get; set; }
        public double Reference { get; set; }
        public double Cap { get; set; } = double.MaxValue;
    }
}
