namespace Telematics.Scoring.Results;

/// <summary>
/// The names of the experiment and variant a score belongs to, carried from the request into the result, the stored score
/// and the metrics. Only the labels: the assignment that chose them (variant, model, bucket, shadows) is
/// <see cref="Experiments.ExperimentAssignment"/>.
/// </summary>
/// <param name="Experiment">Experiment name.</param>
/// <param name="Variant">Variant name within the experiment.</param>
public readonly record struct ExperimentVariantLabel(string Experiment, string Variant);
