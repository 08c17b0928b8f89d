namespace Telematics.Scoring.Recommendations;

/// <summary>Whether a recommendation asks for a change or praises a habit.</summary>
public enum RecommendationKind
{
    /// <summary>A factor that raised the risk score: advice to improve it.</summary>
    Improve = 0,

    /// <summary>A factor that lowered the risk score: praise, only when asked for.</summary>
    Praise = 1,
}
