namespace Telematics.Scoring.Recommendations;

/// <summary>How many recommendations to produce and whether to praise.</summary>
public sealed record RecommendationOptions
{
    /// <summary>Largest number of improvement tips, at least 0.</summary>
    /// <value>Default 3: enough to act on, few enough to read on a phone.</value>
    public int MaxTips { get; init; } = 3;

    /// <summary>Whether to add praise for the factors that lowered the score most.</summary>
    /// <value>Default <see langword="false"/>: only advice.</value>
    public bool IncludePraise { get; init; }

    /// <summary>Largest number of praise items when <see cref="IncludePraise"/> is set, at least 0.</summary>
    /// <value>Default 1.</value>
    public int MaxPraise { get; init; } = 1;

    /// <summary>Smallest contribution, in score points (absolute value for praise), worth a tip; smaller factors are skipped.</summary>
    /// <value>
    /// Default 0: every factor that raised the score qualifies, except one under 0.05 points, which a tip would show as 0
    /// points. Raise it to skip advice too small to matter.
    /// </value>
    public double MinContribution { get; init; }
}
