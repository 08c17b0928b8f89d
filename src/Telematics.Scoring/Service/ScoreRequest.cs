using Telematics.Scoring.Results;

namespace Telematics.Scoring.Service;

/// <summary>One driver to score.</summary>
public sealed class ScoreRequest
{
    /// <summary>The driver's identifier, echoed in the result and in failure messages.</summary>
    public required string DriverId { get; init; }

    /// <summary>The driver's feature vector in the order of the registry's feature schema (NaN = missing).</summary>
    public required ReadOnlyMemory<float> Features { get; init; }

    /// <summary>
    /// Days the driver was observed over (the window <see cref="Features"/> cover); needed by telematics@2 models, which
    /// turn the window's totals into rates (km per year, trips and hours per week). Null when not known: v1 models ignore it.
    /// </summary>
    public double? ObservedDays { get; init; }

    /// <summary>Model name.</summary>
    /// <value>Default <see langword="null"/>: the registry's default model.</value>
    public string? Model { get; init; }

    /// <summary>Version or alias of <see cref="Model"/>.</summary>
    /// <value>Default <see langword="null"/>: the registry's default alias, else the highest version.</value>
    public string? ModelVersion { get; init; }

    /// <summary>The experiment and variant this request was assigned to; carried into the result and the metrics.</summary>
    /// <value>Default <see langword="null"/>: no experiment.</value>
    public ExperimentVariantLabel? Experiment { get; init; }

    /// <summary>Whether to compute factor contributions.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool IncludeContributions { get; init; } = true;
}
