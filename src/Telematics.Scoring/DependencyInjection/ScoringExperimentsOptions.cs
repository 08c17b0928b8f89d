using Telematics.Scoring.Experiments;

namespace Telematics.Scoring.DependencyInjection;

/// <summary>The experiments registered through <c>TelematicsScoringBuilder.UseExperiment</c>, with any file that failed to load.</summary>
internal sealed class ScoringExperimentsOptions
{
    /// <summary>Experiments in registration order.</summary>
    public List<ExperimentDefinition> Experiments { get; } = [];

    /// <summary>Experiment files that could not be read or parsed, each message naming the file and field.</summary>
    public List<string> LoadErrors { get; } = [];
}
