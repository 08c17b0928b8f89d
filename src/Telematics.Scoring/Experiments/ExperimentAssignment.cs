namespace Telematics.Scoring.Experiments;

/// <summary>Where a driver falls in an experiment: the variant to serve and the shadow variants to score beside it.</summary>
/// <remarks>A small value that refers to the experiment's own immutable objects; creating one allocates nothing.</remarks>
public readonly struct ExperimentAssignment
{
    private readonly ExperimentDefinition _experiment;

    internal ExperimentAssignment(ExperimentDefinition experiment, ExperimentVariant variant, int bucket)
    {
        _experiment = experiment;
        Variant = variant;
        Bucket = bucket;
    }

    /// <summary>Name of the experiment, recorded with the score.</summary>
    public string ExperimentName => _experiment.Name;

    /// <summary>Name of the served variant, recorded with the score.</summary>
    public string VariantName => Variant.Name;

    /// <summary>The served variant.</summary>
    public ExperimentVariant Variant { get; }

    /// <summary>The model to serve the score from.</summary>
    public ModelReference Model => Variant.Model;

    /// <summary>The driver's bucket, 0 to <see cref="ExperimentBuckets.Count"/> − 1.</summary>
    public int Bucket { get; }

    /// <summary>Shadow variants to score and record for this driver (every shadow variant of the experiment; may be empty).</summary>
    public IReadOnlyList<ExperimentVariant> ShadowVariants => _experiment.ShadowVariants;
}
