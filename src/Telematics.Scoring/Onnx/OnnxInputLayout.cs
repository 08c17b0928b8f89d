namespace Telematics.Scoring.Onnx;

/// <summary>How a model's ONNX inputs carry the feature values.</summary>
public enum OnnxInputLayout
{
    /// <summary>One float tensor [N, k] (for example <c>float_input</c>) whose columns are the listed features in order.</summary>
    Tensor = 0,

    /// <summary>One float tensor [N, 1] per feature, each input named as its feature.</summary>
    PerFeature = 1,
}
