namespace Telematics.Scoring.Experiments;

/// <summary>One arm of an experiment: a name, the model it is scored with, and either a traffic weight or the shadow role.</summary>
/// <remarks>
/// A served variant owns <see cref="WeightBasisPoints"/> of the <see cref="ExperimentBuckets.Count"/> buckets
/// (optionally at explicit <see cref="Buckets"/>); a shadow variant owns none: it is scored beside the
/// served one and recorded, but its score is never returned. Instances are immutable.
/// </remarks>
public sealed class ExperimentVariant
{
    /// <summary>Creates a served variant.</summary>
    /// <param name="name">Variant name, unique within the experiment.</param>
    /// <param name="model">The model the variant is scored with.</param>
    /// <param name="weightBasisPoints">Share of drivers in basis points, 0–10 000 (100 = 1 %).</param>
    /// <param name="buckets">
    /// Explicit bucket ranges owned by the variant, or <see langword="null"/> to let the experiment lay
    /// variants out contiguously in declaration order. Validated by <see cref="ExperimentDefinition"/>.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public ExperimentVariant(string name, ModelReference model, int weightBasisPoints, IReadOnlyList<BucketRange>? buckets = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Model = model;
        WeightBasisPoints = weightBasisPoints;
        Buckets = buckets is null ? null : [.. buckets];
    }

    private ExperimentVariant(string name, ModelReference model)
    {
        Name = name;
        Model = model;
        IsShadow = true;
    }

    /// <summary>Creates a shadow variant: scored and recorded beside the served variant, never served.</summary>
    /// <param name="name">Variant name, unique within the experiment.</param>
    /// <param name="model">The model the variant is scored with.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public static ExperimentVariant Shadow(string name, ModelReference model)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new ExperimentVariant(name, model);
    }

    /// <summary>Variant name, recorded with every score.</summary>
    public string Name { get; }

    /// <summary>The model alias or pinned version the variant is scored with.</summary>
    public ModelReference Model { get; }

    /// <summary>Share of drivers served by this variant, in basis points (0 for shadow variants).</summary>
    public int WeightBasisPoints { get; }

    /// <summary><see langword="true"/> for a shadow variant (scored and recorded, never served).</summary>
    public bool IsShadow { get; }

    /// <summary>Explicit bucket ranges as given, or <see langword="null"/> for the default contiguous layout.</summary>
    public IReadOnlyList<BucketRange>? Buckets { get; }

    /// <summary>Returns the variant name.</summary>
    public override string ToString() => Name;
}
