namespace Telematics.Scoring.Batch;

/// <summary>Options of one batch scoring call.</summary>
public sealed class BatchScoreOptions
{
    /// <summary>Model name; null for the registry's default model.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? Model { get; init; }

    /// <summary>Version or alias; null for the registry's default alias (else the highest version). Resolved once, when the batch starts: the whole batch is scored by that version.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? ModelVersion { get; init; }

    /// <summary>Drivers per chunk: one model call and one progress report per chunk.</summary>
    /// <value>Default 512: large enough to amortise a model call, small enough for smooth progress.</value>
    public int ChunkSize { get; init; } = 512;

    /// <summary>Chunks scored at once.</summary>
    /// <value>Default <see cref="Environment.ProcessorCount"/>.</value>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Whether each result carries factor contributions (costs one extra model evaluation per feature for non-additive models).</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool IncludeContributions { get; init; }
}
