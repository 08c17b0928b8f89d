namespace Telematics.Scoring.Contributions;

/// <summary>How the factor contributions of a score were computed.</summary>
public enum ContributionMethod
{
    /// <summary>No contributions were asked for.</summary>
    None = 0,

    /// <summary>
    /// Exact for additive models (rules, linear): each feature's raw-output term, rescaled by
    /// (score − reference score) / (raw − reference raw) so that the terms carry the monotone calibration.
    /// </summary>
    AdditiveRescaled = 1,

    /// <summary>
    /// Model-agnostic Shapley sampling by baseline replacement: features are switched from the reference row to
    /// the driver's values in a fixed set of permutations (each with its reverse) and each feature is credited
    /// the mean score change when it is switched. Sums exactly to score − reference score.
    /// </summary>
    PermutationShapley = 2,

    /// <summary>
    /// Exact for ONNX tree ensembles (TreeEnsembleRegressor/Classifier): TreeSHAP against the single reference row —
    /// the exact Shapley values of the margin for the game "features on the driver's values, the rest on the
    /// reference", computed from the model's tree attributes — rescaled like <see cref="AdditiveRescaled"/> by
    /// (score − reference score) / (margin − reference margin). Sums exactly to score − reference score.
    /// </summary>
    TreeShapBaseline = 3,
}
