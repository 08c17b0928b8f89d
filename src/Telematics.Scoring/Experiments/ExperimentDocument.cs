namespace Telematics.Scoring.Experiments;

// The JSON contract of an experiment (docs/experiments/README.md), read by ExperimentJson through ScoringJsonContext.
// Every member is nullable: what is required, and every range, is checked by ExperimentJson, which names the field.
#pragma warning disable CA1812 // instantiated by the source-generated contract
internal sealed class ExperimentDocument
{
    public string? Name { get; set; }

    public string? Salt { get; set; }

    public List<VariantDocument?>? Variants { get; set; }
}

internal sealed class VariantDocument
{
    public string? Name { get; set; }

    public string? Model { get; set; }

    public int? WeightBp { get; set; }

    public bool? Shadow { get; set; }

    public List<int[]?>? Buckets { get; set; }
}
#pragma warning restore CA1812
