using Telematics.Scoring.Contributions;

namespace Telematics.Scoring.Results;

/// <summary>A driver's risk score with the model that produced it and the factors behind it.</summary>
/// <remarks>Immutable. When <see cref="Contributions"/> is not empty, its points sum to <see cref="Score"/> − <see cref="ReferenceScore"/>.</remarks>
public sealed class RiskScore
{
    internal RiskScore(
        string driverId, double score, double rawOutput, string modelName, string modelVersion, double referenceScore,
        FactorContribution[] contributions, ContributionMethod method, ExperimentVariantLabel? experiment)
    {
        DriverId = driverId;
        Score = score;
        Category = RiskCategories.FromScore(score);
        RawOutput = rawOutput;
        ModelName = modelName;
        ModelVersion = modelVersion;
        ReferenceScore = referenceScore;
        Contributions = contributions;
        ContributionMethod = method;
        Experiment = experiment;
    }

    /// <summary>The driver the score is for, as given in the request.</summary>
    public string DriverId { get; }

    /// <summary>Risk score, 0–100, higher is riskier.</summary>
    public double Score { get; }

    /// <summary>The band of <see cref="Score"/>.</summary>
    public RiskCategory Category { get; }

    /// <summary>The model's raw output before calibration (a probability, frequency or model score; see the package's output kind).</summary>
    public double RawOutput { get; }

    /// <summary>Name of the model that scored.</summary>
    public string ModelName { get; }

    /// <summary>Version of the model that scored.</summary>
    public string ModelVersion { get; }

    /// <summary>Score of the model's reference row (the population's typical driver).</summary>
    public double ReferenceScore { get; }

    /// <summary>Per-feature points in model input order; empty when contributions were not requested.</summary>
    public IReadOnlyList<FactorContribution> Contributions { get; }

    /// <summary>How <see cref="Contributions"/> were computed.</summary>
    public ContributionMethod ContributionMethod { get; }

    /// <summary>The experiment and variant from the request, if any.</summary>
    public ExperimentVariantLabel? Experiment { get; }

    /// <summary>
    /// The share of the driver's inputs outside the ranges the model was trained on (<see cref="Packaging.ModelPackage.TrainingRanges"/>);
    /// null when the package records none.
    /// </summary>
    public double? OutOfRangeShare { get; internal init; }

    /// <summary>
    /// Where the driver's long-run score lies at <see cref="ScoreInterval.Level"/>, given the trips this score rests on;
    /// null when the package records no <see cref="Packaging.SamplingNoise"/> or the vector has no trip count.
    /// </summary>
    public ScoreInterval? Interval { get; internal init; }

    /// <summary>What <see cref="RawOutput"/> is: a probability, a claim frequency or a score on the model's own scale.</summary>
    public Packaging.ModelOutputKind OutputKind { get; internal init; }

    /// <summary>
    /// The features the model version that scored reads (its input binding), so a plan can be checked against that very
    /// version when it prices the score; null when not known (a score built by hand).
    /// </summary>
    public IReadOnlyList<string>? ModelFeatures { get; internal init; }

    /// <summary>How far the score can be trusted, graded from <see cref="OutOfRangeShare"/> (<see cref="ScoreConfidenceGrade"/>).</summary>
    public ScoreConfidence Confidence => ScoreConfidenceGrade.From(OutOfRangeShare);

    /// <summary>
    /// Scores of the experiment's shadow variants for the same driver, recorded beside this one and never served
    /// (each carries its own model, version, experiment and variant); empty outside experiments, and a shadow
    /// whose model failed or is not served is left out (logged as event 202).
    /// </summary>
    public IReadOnlyList<RiskScore> ShadowScores { get; internal set; } = [];
}
