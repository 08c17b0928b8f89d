namespace Telematics.Scoring.Packaging;

/// <summary>What a model's raw output measures (manifest <c>output.kind</c>).</summary>
public enum ModelOutputKind
{
    /// <summary>A probability of a claim (or of the risky class), in [0, 1].</summary>
    Probability = 0,

    /// <summary>An expected claim frequency (claims per period), ≥ 0.</summary>
    Frequency = 1,

    /// <summary>A score on the model's own scale, for example log-odds.</summary>
    Score = 2,
}
