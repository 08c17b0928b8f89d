using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telematics.Scoring.Contributions;
using Telematics.Scoring.Diagnostics;
using Telematics.Scoring.Models;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Results;

namespace Telematics.Scoring.Service;

/// <summary>
/// Scores drivers: feature vector → <see cref="RiskScore"/> with score, category, raw output, model identity,
/// reference score and factor contributions.
/// </summary>
/// <remarks>
/// Each score leases its model version from the <see cref="ModelRegistry"/> for its whole duration, so a
/// concurrent swap never changes the model under it. Contributions are exact for additive models (rules) and ONNX
/// tree ensembles (TreeSHAP against the reference row), and Shapley sampling by baseline replacement otherwise (see <see cref="ContributionMethod"/>). Thread-safe.
/// </remarks>
public sealed class RiskScorer
{
    private readonly ModelRegistry _registry;
    private readonly ScoringMetrics? _metrics;
    private readonly ILogger _logger;

    /// <summary>Creates a scorer over <paramref name="registry"/>.</summary>
    /// <param name="registry">Where models come from.</param>
    /// <param name="metrics">Receives scores, latency, failures and the score distribution.</param>
    /// <param name="logger">Receives scoring failures.</param>
    public RiskScorer(ModelRegistry registry, ScoringMetrics? metrics = null, ILogger<RiskScorer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _metrics = metrics;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The registry models come from.</summary>
    public ModelRegistry Registry => _registry;

    /// <summary>Where scores are counted; experiment scoring counts here the failures that happen before a model is found.</summary>
    internal ScoringMetrics? Metrics => _metrics;

    /// <summary>Scores one driver.</summary>
    /// <param name="request">The driver, its features and optionally the model and experiment.</param>
    /// <exception cref="KeyNotFoundException">The requested model or version is not served.</exception>
    /// <exception cref="ArgumentException">The feature vector does not have the schema's length, or shows no driving (no trips; see <see cref="Telematics.Features.Schema.TelematicsFeatures.ShowsNoDriving"/>).</exception>
    /// <exception cref="ModelScoringException">The model failed or returned a non-finite output; the message names the driver and model.</exception>
    public RiskScore Score(ScoreRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var lease = _registry.Acquire(request.Model, request.ModelVersion);
        return Score(lease.Package, request.DriverId, request.Features.Span, request.ObservedDays, request.IncludeContributions, request.Experiment);
    }

    /// <summary>Scores one driver with an already leased package (used by batch scoring).</summary>
    internal RiskScore Score(ModelPackage package, string driverId, ReadOnlySpan<float> features, double? observedDays, bool includeContributions, ExperimentVariantLabel? experiment)
    {
        var variant = experiment?.Variant;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = ScoreCore(package, driverId, features, observedDays, includeContributions, experiment);
            _metrics?.RecordScores(package.Name, package.Version, variant, 1, Stopwatch.GetElapsedTime(started).TotalSeconds);
            _metrics?.RecordScoreValue(package.Name, package.Version, variant, result.Score);
            return result;
        }
        catch (Exception e) when (e is ModelScoringException or ModelBindingException or ArgumentException)
        {
            _metrics?.RecordFailures(package.Name, package.Version, variant, 1);
            Log.ScoreFailed(_logger, driverId, package.Name, package.Version, e);
            throw;
        }
    }

    private static RiskScore ScoreCore(ModelPackage package, string driverId, ReadOnlySpan<float> features, double? observedDays, bool includeContributions, ExperimentVariantLabel? experiment)
    {
        var model = package.Model;
        var width = model.Binding.Count;
        var rented = ArrayPool<float>.Shared.Rent(width);
        try
        {
            var row = rented.AsSpan(0, width);
            Span<float> derived = stackalloc float[SchemaVectors.MaxDerivedLength];
            model.Binding.Gather(SchemaVectors.ForBinding(model.Binding, features, observedDays, driverId, derived), row);
            double score, raw, referenceScore = package.ReferenceScore;
            FactorContribution[] contributions = [];
            var method = ContributionMethod.None;
            if (includeContributions)
            {
                contributions = new FactorContribution[width];
                if (model is IAdditiveRiskModel additive)
                {
                    score = ContributionCalculator.Additive(additive, package.Calibration, row, package.ReferenceRow, package.ReferenceRaw, referenceScore, contributions, out raw);
                    method = ContributionMethod.AdditiveRescaled;
                }
                else if (model is Onnx.OnnxRiskModel { Trees: { } trees })
                {
                    score = ContributionCalculator.TreeShap(model, trees, package.Calibration, row, package.ReferenceRow, referenceScore, contributions, out raw);
                    method = ContributionMethod.TreeShapBaseline;
                }
                else
                {
                    try
                    {
                        score = ContributionCalculator.PermutationShapley(model, package.Calibration, row, package.ReferenceRow, contributions, out referenceScore, out raw);
                    }
                    catch (ModelScoringException e)
                    {
                        // The calculator knows neither the driver nor the model; the message must, as every scoring failure's does.
                        throw new ModelScoringException($"Model {package} failed for driver '{driverId}' computing factor contributions: {e.Message}", e);
                    }

                    method = ContributionMethod.PermutationShapley;
                }
            }
            else if (model is IAdditiveRiskModel additive)
            {
                raw = additive.Raw(row);
                score = package.Calibration.ToScore(raw);
            }
            else
            {
                Span<float> output = stackalloc float[1];
                model.Score(row, output);
                raw = output[0];
                score = package.Calibration.ToScore(raw);
            }

            if (package.RawProblem(raw, driverId) is { } problem)
            {
                throw new ModelScoringException(problem);
            }

            return new RiskScore(driverId, score, raw, package.Name, package.Version, referenceScore, contributions, method, experiment)
            {
                OutOfRangeShare = package.TrainingRanges?.OutOfRangeShareIfKnown(row),
                Interval = package.SamplingNoise?.Interval(package.Calibration, raw, features),
                OutputKind = package.OutputKind,
                ModelFeatures = package.Model.Binding.FeatureNames,
            };
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }
}
