namespace Telematics.Training.Modeling;

/// <summary>The claim-frequency models the training pipeline fits and compares.</summary>
public enum FrequencyModelKind
{
    /// <summary>Classical-only baseline: a Poisson GLM (ML.NET L-BFGS Poisson regression) on one-hot age band, region, vehicle class and ln(annual km).</summary>
    ClassicalGlm = 0,

    /// <summary>Gradient-boosted trees with a Poisson objective (FastTree Tweedie, index 1) on the classical inputs and the 29 telematics@1 features.</summary>
    TreesAll = 1,

    /// <summary>The same trees on the 29 telematics@1 features only: the model that can be packaged, since the scoring runtime binds telematics@1.</summary>
    TreesTelematics = 2,

    /// <summary>
    /// A Poisson GLM on the telematics@2 rating factors with monotone, direction-constrained terms
    /// (<see cref="MonotonePoissonGlm"/>): the model that is packaged and shipped.
    /// </summary>
    GlmTelematics = 3,
}

/// <summary>Names and inputs of <see cref="FrequencyModelKind"/> values.</summary>
public static class FrequencyModelKinds
{
    /// <summary>Every kind, in report order.</summary>
    public static IReadOnlyList<FrequencyModelKind> All { get; } = [FrequencyModelKind.ClassicalGlm, FrequencyModelKind.TreesAll, FrequencyModelKind.TreesTelematics, FrequencyModelKind.GlmTelematics];

    /// <summary>The short name used in reports and package names: <c>glm-classical</c>, <c>trees-all</c>, <c>trees-telematics</c>.</summary>
    public static string Name(this FrequencyModelKind kind) => kind switch
    {
        FrequencyModelKind.ClassicalGlm => "glm-classical",
        FrequencyModelKind.TreesAll => "trees-all",
        FrequencyModelKind.TreesTelematics => "trees-telematics",
        FrequencyModelKind.GlmTelematics => "glm-telematics",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown model kind."),
    };

    /// <summary>Whether the model needs the classical factors.</summary>
    public static bool NeedsClassicalFactors(this FrequencyModelKind kind) => kind is FrequencyModelKind.ClassicalGlm or FrequencyModelKind.TreesAll;

    /// <summary>Whether the model reads telematics@2 features, which need each driver's observation window.</summary>
    public static bool NeedsObservedDays(this FrequencyModelKind kind) => kind == FrequencyModelKind.GlmTelematics;
}
