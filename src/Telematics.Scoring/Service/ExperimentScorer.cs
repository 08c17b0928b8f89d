using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telematics.Scoring.Diagnostics;
using Telematics.Scoring.Experiments;
using Telematics.Scoring.Models;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Results;

namespace Telematics.Scoring.Service;

/// <summary>
/// Scores drivers inside A/B experiments: assigns the driver to a served variant by the experiment's stable
/// hash, scores it with that variant's model, scores every shadow variant beside it (recorded in
/// <see cref="RiskScore.ShadowScores"/> and the metrics, never served) and tags the results and metrics with
/// the experiment and variant.
/// </summary>
/// <remarks>
/// <para>
/// A variant's <see cref="ModelReference"/> resolves through the <see cref="ModelRegistry"/> at each score:
/// an alias (<c>champion</c>) is an alias of the registry's default model; <c>name@version</c> names a model
/// and a version (or an alias of that model). References are checked when the scorer is created, and a
/// reference that does not resolve is refused there. Because the registry reloads at run time, a reference
/// can stop resolving later (an alias removed, a version deleted): the served variant then fails that score
/// with a <see cref="KeyNotFoundException"/> naming the experiment, variant and reference (counted as a failure of that
/// variant in the metrics), and a shadow
/// variant is skipped and logged (event 202). <see cref="FindUnresolvedReferences"/> reports such references
/// for a readiness probe.
/// </para>
/// <para>
/// Thread-safe. The set of experiments can change at run time (<see cref="SetExperiment"/>): the set is replaced
/// whole, so a score or a batch finishes on the definition it started with and the next one sees the new one.
/// </para>
/// </remarks>
public sealed class ExperimentScorer
{
    private readonly RiskScorer _scorer;
    private readonly ILogger _logger;
    private readonly Lock _writeLock = new();

    // Never mutated once published: SetExperiment publishes a new dictionary.
    private volatile Dictionary<string, ExperimentDefinition> _experiments;

    /// <summary>Creates a scorer for <paramref name="experiments"/> and checks every variant's model reference.</summary>
    /// <param name="scorer">The single-driver scorer and its registry.</param>
    /// <param name="experiments">Validated experiments with unique names (may be empty).</param>
    /// <param name="logger">Receives shadow failures.</param>
    /// <exception cref="ArgumentException">Two experiments share a name.</exception>
    /// <exception cref="InvalidOperationException">A variant's model reference does not resolve; the message names every such experiment, variant and reference.</exception>
    public ExperimentScorer(RiskScorer scorer, IEnumerable<ExperimentDefinition> experiments, ILogger<ExperimentScorer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(experiments);
        _scorer = scorer;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        var registered = new Dictionary<string, ExperimentDefinition>(StringComparer.Ordinal);
        foreach (var experiment in experiments)
        {
            ArgumentNullException.ThrowIfNull(experiment, nameof(experiments));
            if (!registered.TryAdd(experiment.Name, experiment))
            {
                throw new ArgumentException($"Experiment '{experiment.Name}' is registered twice; experiment names must be unique.", nameof(experiments));
            }
        }

        _experiments = registered;
        var unresolved = FindUnresolvedReferences();
        if (unresolved.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, unresolved));
        }
    }

    /// <summary>The scorer the variants score with (and its <see cref="RiskScorer.Registry"/>).</summary>
    public RiskScorer Scorer => _scorer;

    /// <summary>The registered experiments' names, in ordinal order.</summary>
    public IReadOnlyList<string> ExperimentNames => [.. _experiments.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Returns the experiment registered as <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No experiment has that name; the message lists the registered ones.</exception>
    public ExperimentDefinition GetExperiment(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var experiments = _experiments;
        return experiments.TryGetValue(name, out var experiment)
            ? experiment
            : throw new KeyNotFoundException($"No experiment '{name}' is registered; registered: {(experiments.Count == 0 ? "none" : string.Join(", ", experiments.Keys.Order(StringComparer.Ordinal)))}.");
    }

    /// <summary>Finds the experiment registered as <paramref name="name"/> without throwing.</summary>
    /// <param name="name">The experiment name (ordinal).</param>
    /// <param name="experiment">The experiment when registered.</param>
    /// <returns><see langword="true"/> when an experiment has that name.</returns>
    public bool TryGetExperiment(string name, [NotNullWhen(true)] out ExperimentDefinition? experiment)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _experiments.TryGetValue(name, out experiment);
    }

    /// <summary>Checks that the registry serves every variant's model reference of <paramref name="experiment"/> right now.</summary>
    /// <param name="experiment">A validated experiment.</param>
    /// <exception cref="ExperimentDefinitionException">A variant's reference is not served; <see cref="ExperimentDefinitionException.Field"/> is <c>variants[i].model</c> of the first such variant.</exception>
    public void CheckReferences(ExperimentDefinition experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var variants = experiment.Variants;
        for (var i = 0; i < variants.Count; i++)
        {
            if (TryAcquire(variants[i].Model, out var lease))
            {
                lease.Dispose();
            }
            else
            {
                throw new ExperimentDefinitionException($"variants[{i}].model", Unresolved(experiment.Name, variants[i]));
            }
        }
    }

    /// <summary>
    /// Registers <paramref name="experiment"/>, replacing the experiment of the same name; scores started after the call
    /// use it, scores in flight finish on the definition they started with.
    /// </summary>
    /// <param name="experiment">A validated experiment whose every variant's model the registry serves.</param>
    /// <returns>The definition it replaced, or <see langword="null"/> when the name is new.</returns>
    /// <exception cref="ExperimentDefinitionException">A variant's reference is not served (see <see cref="CheckReferences"/>); nothing changes.</exception>
    public ExperimentDefinition? SetExperiment(ExperimentDefinition experiment)
    {
        CheckReferences(experiment);
        lock (_writeLock)
        {
            var next = new Dictionary<string, ExperimentDefinition>(_experiments, StringComparer.Ordinal);
            next.TryGetValue(experiment.Name, out var previous);
            next[experiment.Name] = experiment;
            _experiments = next;
            return previous;
        }
    }

    /// <summary>Lists the variants whose model reference the registry does not serve right now, one message each.</summary>
    /// <returns>Messages such as <c>Experiment 'e', variant 'v': model reference 'risk-gbm@9' is not served by the registry.</c>; empty when all resolve.</returns>
    public IReadOnlyList<string> FindUnresolvedReferences()
    {
        var problems = new List<string>();
        var experiments = _experiments;
        foreach (var name in experiments.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var variant in experiments[name].Variants)
            {
                if (TryAcquire(variant.Model, out var lease))
                {
                    lease.Dispose();
                }
                else
                {
                    problems.Add(Unresolved(name, variant));
                }
            }
        }

        return problems;
    }

    /// <summary>Scores one driver without an observation window: in <paramref name="experimentName"/> when given, else with the registry's default model.</summary>
    /// <remarks>
    /// Only for telematics@1 models: a telematics@2 model (such as the shipped one) turns the window's totals into rates and
    /// refuses a score without the window. Pass it with <see cref="Score(string, ReadOnlyMemory{float}, double, string?)"/>
    /// or <see cref="Score(ScoreRequest, string?)"/>.
    /// </remarks>
    /// <param name="driverId">The driver, non-empty; its id alone decides the variant (ordinal, case-sensitive).</param>
    /// <param name="features">The driver's feature vector in schema order (NaN = missing).</param>
    /// <param name="experimentName">A registered experiment, or <see langword="null"/> for no experiment.</param>
    /// <param name="includeContributions">Whether the served score carries factor contributions (shadow scores never do).</param>
    /// <returns>The served variant's score, with <see cref="RiskScore.Experiment"/> and <see cref="RiskScore.ShadowScores"/> set.</returns>
    /// <exception cref="KeyNotFoundException">The experiment is not registered, or the served variant's model is not served now (the message names experiment, variant and reference).</exception>
    /// <exception cref="ArgumentException">The driver id is empty, the feature vector does not have the schema's length, or the served model is a telematics@2 model, which needs the observation window.</exception>
    /// <exception cref="ModelScoringException">The served model failed; the message names the driver and model.</exception>
    [SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads", Justification = "The overload with observedDays takes a double where this one takes the experiment name, so no existing call binds to it.")]
    public RiskScore Score(string driverId, ReadOnlyMemory<float> features, string? experimentName, bool includeContributions = true) =>
        Score(new ScoreRequest { DriverId = driverId, Features = features, IncludeContributions = includeContributions }, experimentName);

    /// <summary>
    /// Scores one driver observed over <paramref name="observedDays"/>, with factor contributions: in <paramref name="experimentName"/>
    /// when given, else with the registry's default model. Without contributions, use <see cref="Score(ScoreRequest, string?)"/>.
    /// </summary>
    /// <param name="driverId">The driver, non-empty; its id alone decides the variant (ordinal, case-sensitive).</param>
    /// <param name="features">The driver's feature vector in schema order (NaN = missing).</param>
    /// <param name="observedDays">Days <paramref name="features"/> cover (see <see cref="ScoreRequest.ObservedDays"/>); telematics@2 models need it, v1 models ignore it.</param>
    /// <param name="experimentName">A registered experiment, or <see langword="null"/> for no experiment.</param>
    /// <returns>The served variant's score, with <see cref="RiskScore.Experiment"/> and <see cref="RiskScore.ShadowScores"/> set.</returns>
    /// <exception cref="KeyNotFoundException">The experiment is not registered, or the served variant's model is not served now (the message names experiment, variant and reference).</exception>
    /// <exception cref="ArgumentException">The driver id is empty, the feature vector does not have the schema's length, or a telematics@2 model is given a window that is not a positive number of days.</exception>
    /// <exception cref="ModelScoringException">The served model failed; the message names the driver and model.</exception>
    public RiskScore Score(string driverId, ReadOnlyMemory<float> features, double observedDays, string? experimentName) =>
        Score(new ScoreRequest { DriverId = driverId, Features = features, ObservedDays = observedDays }, experimentName);

    /// <summary>Scores one driver: in <paramref name="experimentName"/> when given, else with the registry's default model.</summary>
    /// <param name="request">The driver, its features and observation window; its model and experiment label are ignored when an experiment is named.</param>
    /// <param name="experimentName">A registered experiment, or <see langword="null"/> for the request's model (the registry's default when it names none).</param>
    /// <returns>The served variant's score, with <see cref="RiskScore.Experiment"/> and <see cref="RiskScore.ShadowScores"/> set.</returns>
    /// <exception cref="KeyNotFoundException">The experiment is not registered, or the served variant's model is not served now.</exception>
    /// <exception cref="ArgumentException">The driver id is empty, the feature vector does not have the schema's length, or a telematics@2 model is asked without an observation window.</exception>
    /// <exception cref="ModelScoringException">The served model failed; the message names the driver and model.</exception>
    public RiskScore Score(ScoreRequest request, string? experimentName)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.DriverId);
        if (experimentName is null)
        {
            return _scorer.Score(request);
        }

        return ScoreIn(GetExperiment(experimentName), request.DriverId, request.Features, request.ObservedDays, request.IncludeContributions);
    }

    /// <summary>
    /// Scores one driver in an experiment definition already looked up (a batch holds one definition throughout). A batch also
    /// passes <c>pinned</c>: each variant's package by name, leased when the batch started (null where the variant's reference
    /// did not resolve then); without it each variant is resolved now.
    /// </summary>
    internal RiskScore ScoreIn(ExperimentDefinition experiment, string driverId, ReadOnlyMemory<float> features, double? observedDays, bool includeContributions, IReadOnlyDictionary<string, ModelPackage?>? pinned = null)
    {
        var assignment = experiment.Assign(driverId);
        var served = ScoreVariant(experiment, assignment.Variant, driverId, features.Span, observedDays, includeContributions, pinned);
        var shadows = assignment.ShadowVariants;
        if (shadows.Count > 0)
        {
            var shadowScores = new List<RiskScore>(shadows.Count);
            foreach (var shadow in shadows)
            {
                try
                {
                    shadowScores.Add(ScoreVariant(experiment, shadow, driverId, features.Span, observedDays, includeContributions: false, pinned));
                }
                catch (Exception e) when (e is KeyNotFoundException or ModelScoringException or ModelBindingException or ArgumentException)
                {
                    Log.ShadowFailed(_logger, experiment.Name, shadow.Name, driverId, e);
                }
            }

            served.ShadowScores = shadowScores;
        }

        return served;
    }

    private RiskScore ScoreVariant(ExperimentDefinition experiment, ExperimentVariant variant, string driverId, ReadOnlySpan<float> features, double? observedDays, bool includeContributions, IReadOnlyDictionary<string, ModelPackage?>? pinned)
    {
        var label = new Results.ExperimentVariantLabel(experiment.Name, variant.Name);
        if (pinned is not null)
        {
            return pinned.GetValueOrDefault(variant.Name) is { } package
                ? _scorer.Score(package, driverId, features, observedDays, includeContributions, label)
                : throw Unserved(experiment, variant);
        }

        if (!TryAcquire(variant.Model, out var lease))
        {
            throw Unserved(experiment, variant);
        }

        using (lease)
        {
            return _scorer.Score(lease.Package, driverId, features, observedDays, includeContributions, label);
        }
    }

    /// <summary>
    /// Leases the model <paramref name="reference"/> resolves to now, by the rule scoring uses: an alias on the registry's
    /// default model, a pinned version as named. Dispose the lease when done.
    /// </summary>
    /// <param name="reference">A variant's model reference.</param>
    /// <param name="lease">The lease, when the registry serves the model.</param>
    /// <returns>Whether the registry serves it.</returns>
    public bool TryAcquireModel(ModelReference reference, out ModelLease lease) => TryAcquire(reference, out lease);

    private bool TryAcquire(ModelReference reference, out ModelLease lease) =>
        reference.IsAlias
            ? _scorer.Registry.TryAcquire(null, reference.Name, out lease)
            : _scorer.Registry.TryAcquire(reference.Name, reference.Version, out lease);

    // The failure comes before RiskScorer.Score, which counts every other one; count it here, under the variant and the
    // model and version or alias the reference asks for, so that a lost reference shows in the failures counter.
    private KeyNotFoundException Unserved(ExperimentDefinition experiment, ExperimentVariant variant)
    {
        var reference = variant.Model;
        _scorer.Metrics?.RecordFailures(reference.IsAlias ? _scorer.Registry.DefaultModelName : reference.Name, reference.Version ?? reference.Name, variant.Name, 1);
        return new KeyNotFoundException(Unresolved(experiment.Name, variant));
    }

    private static string Unresolved(string experiment, ExperimentVariant variant) =>
        $"Experiment '{experiment}', {(variant.IsShadow ? "shadow " : "")}variant '{variant.Name}': model reference '{variant.Model}' is not served by the registry"
        + (variant.Model.IsAlias ? " (an alias is looked up on the default model)." : ".");
}
