using Telematics.Scoring.Experiments;

namespace Telematics.Storage.Postgres.Experiments;

/// <summary>An experiment as stored in the <c>experiments</c> table.</summary>
/// <param name="Name">The experiment name.</param>
/// <param name="DefinitionJson">The definition in the <see cref="ExperimentJson"/> format.</param>
/// <param name="UpdatedAt">When it was last written (UTC).</param>
/// <param name="UpdatedBy">The actor name that last wrote it.</param>
public sealed record StoredExperiment(string Name, string DefinitionJson, DateTimeOffset UpdatedAt, string UpdatedBy)
{
    /// <summary>Parses and validates the stored definition.</summary>
    /// <returns>The experiment.</returns>
    /// <exception cref="ExperimentDefinitionException">The stored JSON is no longer a valid experiment; the message names the field.</exception>
    public ExperimentDefinition Parse() => ExperimentJson.Parse(DefinitionJson);
}
