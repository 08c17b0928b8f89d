namespace Telematics.Scoring.Results;

/// <summary>Band of a 0–100 risk score, from least to most risky.</summary>
public enum RiskCategory
{
    /// <summary>Score ≤ 20.</summary>
    Excellent = 0,

    /// <summary>20 &lt; score ≤ 40.</summary>
    Good = 1,

    /// <summary>40 &lt; score ≤ 60.</summary>
    Average = 2,

    /// <summary>60 &lt; score ≤ 80.</summary>
    BelowAverage = 3,

    /// <summary>Score &gt; 80.</summary>
    High = 4,
}
