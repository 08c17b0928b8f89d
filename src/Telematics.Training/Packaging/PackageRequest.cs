using Telematics.Training.Evaluation;
using Telematics.Training.Modeling;

namespace Telematics.Training.Packaging;

/// <summary>What <see cref="OnnxPackageWriter.Write"/> packages: the model, its identity and the record of its training.</summary>
public sealed class PackageRequest
{
    /// <summary>Package name (lower-case letters, digits, '.', '_' or '-'; 1–64 characters).</summary>
    public required string Name { get; init; }

    /// <summary>Version within the name (letters, digits, '.', '_' or '-').</summary>
    public required string Version { get; init; }

    /// <summary>The fitted model; must be <see cref="FrequencyModelKind.TreesTelematics"/>, the kind the scoring runtime can bind.</summary>
    public required FrequencyModel Model { get; init; }

    /// <summary>The model's out-of-fold evaluation, written as the manifest's metrics.</summary>
    public required ModelEvaluation Evaluation { get; init; }

    /// <summary>The oracle's evaluation on the same folds, written beside it when known.</summary>
    public ModelEvaluation? Oracle { get; init; }

    /// <summary>
    /// The standard deviation of ln(predicted frequency) over one trip (<see cref="WindowStability.SamplingNoise"/>),
    /// written as the manifest's <c>sampling_noise</c> so that scores carry an interval; null writes none.
    /// </summary>
    public double? SamplingNoise { get; init; }

    /// <summary>Free-form facts about the training run (data source, seed, folds, command), written as the manifest's training block.</summary>
    public IReadOnlyDictionary<string, string> Training { get; init; } = new Dictionary<string, string>();
}
