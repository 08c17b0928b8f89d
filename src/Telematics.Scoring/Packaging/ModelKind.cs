using System.Text.Json.Serialization;

namespace Telematics.Scoring.Packaging;

/// <summary>The runtime a model package needs (manifest <c>kind</c>).</summary>
public enum ModelKind
{
    /// <summary>A weighted-feature rules file (<c>rules</c>), served by <see cref="Rules.RuleBasedModel"/>.</summary>
    Rules = 0,

    /// <summary>An ONNX model (<c>onnx</c>), served by ONNX Runtime.</summary>
    Onnx = 1,

    /// <summary>An ML.NET model .zip (<c>mlnet</c>); not served by this build, refused at load.</summary>
    [JsonStringEnumMemberName("mlnet")]
    MLNet = 2,
}
