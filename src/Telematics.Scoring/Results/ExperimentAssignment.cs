namespace Telematics.Scoring.Results;

/// <summary>The experiment and variant a score belongs to, carried from the request into the result and the metrics.</summary>
/// <param name="Experiment">Experiment name.</param>
/// <param name="Variant">Variant name within the experiment.</param>
public readonly record struct ExperimentAssignment(string Experiment, string Variant);
