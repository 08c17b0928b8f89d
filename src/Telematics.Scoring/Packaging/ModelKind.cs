using System.Text.Json.Serialization;

namespace Telematics.Scoring.Packaging;

/// <summary>The runtime a model package needs (manifest <c>kind</c>).</summary>
public enum ModelKind
{
    /// <summary>A weighted-feature rules file (<c>rules</c>), served by <see cref="Rules.RuleBasedModel"/>.</summary>
    Rules = 0,

    /// <summary>An ONNX model (<c>onnx</c>), served by ONNX Runtime.</summary>
    Onnx = 1,

    /// <summary>An ML.NET model .zip (<c>mlnet</c>); served through an <see cref="IModelKindLoader"/> (Telematics.Scoring.MLNet), refused at load without one.</summary>
    [JsonStringEnumMemberName("mlnet")]
    MLNet = 2,
}
