using System.Collections.Concurrent;
using Telematics.Features.Schema;
using Telematics.Scoring.Experiments;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Service;

namespace Telematics.Scoring.Pricing;

// Whether a plan may price what a given model serves: checked where a plan meets its model (host start, CLI).
public sealed partial class PricingPlan
{
    /// <summary>
    /// Refuses to pair this plan with <paramref name="model"/> when the premium would misprice its output: a frequency
    /// relativity (<see cref="Relativity"/>) needs a model that outputs a claim frequency; a score plan
    /// (<c>risk_multiplier</c>) would price a frequency model's 0–100 percentile and discard the relativities it
    /// estimates, so it must be migrated; and the checks of <see cref="RefuseDoubleCounting"/> apply.
    /// </summary>
    /// <param name="model">The model whose output the plan prices.</param>
    /// <exception cref="PricingPlanException">The pair does not fit; the message names the plan field, the model and the way out.</exception>
    public void EnsureFits(ModelPackage model)
    {
        ArgumentNullException.ThrowIfNull(model);
        EnsurePrices(model.OutputKind, model.ToString());
        RefuseDoubleCounting(model.Model.Binding.FeatureNames, model.ToString());
    }

    /// <summary>
    /// The whole of <see cref="EnsureFits(ModelPackage)"/> for a model version that has scored (<see cref="Results.RiskScore.ModelFeatures"/>),
    /// remembered per <paramref name="model"/> (name@version) and <paramref name="kind"/> for the features it was
    /// checked with, so that checking it on every quote stays cheap: the plan met the models served at start, but a hot
    /// reload or an experiment can serve another version.
    /// </summary>
    /// <param name="model">The model's name@version: part of the cache key, and named in the message.</param>
    /// <param name="kind">What the model outputs.</param>
    /// <param name="modelFeatures">The features that version reads.</param>
    /// <exception cref="PricingPlanException">The version does not fit; as <see cref="EnsureFits(ModelPackage)"/>.</exception>
    public void EnsureFits(string model, ModelOutputKind kind, IReadOnlyList<string> modelFeatures)
    {
        // Versions are immutable once published, so name@version identifies what was checked; the kind and the features
        // are the caller's word, so an answer stands only for the same ones (compared, not hashed: a few names, no
        // allocation). The refusal is kept as its field and problem and thrown anew each time (one exception object
        // thrown on many threads would share its trace).
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(modelFeatures);
        var fit = _fits.GetOrAdd((model, kind), static (key, state) => (state.Features, state.Plan.Misfit(key.Kind, state.Features, key.Model)), (Plan: this, Features: modelFeatures));
        var misfit = SameFeatures(fit.Features, modelFeatures) ? fit.Misfit : Misfit(kind, modelFeatures, model);
        if (misfit is { } refused)
        {
            throw new PricingPlanException(refused.Field, refused.Problem);
        }
    }

    private (string Field, string Problem)? Misfit(ModelOutputKind kind, IReadOnlyList<string> modelFeatures, string model)
    {
        try
        {
            EnsurePrices(kind, model);
            RefuseDoubleCounting(modelFeatures, model);
            return null;
        }
        catch (PricingPlanException e)
        {
            return (e.Field, e.Problem);
        }
    }

    private static bool SameFeatures(IReadOnlyList<string> checkedWith, IReadOnlyList<string> asked)
    {
        if (ReferenceEquals(checkedWith, asked))
        {
            return true;
        }

        if (checkedWith.Count != asked.Count)
        {
            return false;
        }

        for (var i = 0; i < asked.Count; i++)
        {
            if (!string.Equals(checkedWith[i], asked[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    // Keyed by what the caller says the version outputs as well: a name@version is immutable, but the kind is the
    // caller's word, and one caller's wrong kind must not answer for another's.
    private readonly ConcurrentDictionary<(string Model, ModelOutputKind Kind), (IReadOnlyList<string> Features, (string Field, string Problem)? Misfit)> _fits = new();

    // A version that does not say its name cannot be remembered: each quote checks it whole.
    internal void EnsureFitsUnnamed(ModelOutputKind kind, IReadOnlyList<string> modelFeatures)
    {
        EnsurePrices(kind, Unnamed);
        RefuseDoubleCounting(modelFeatures, Unnamed);
    }

    internal const string Unnamed = "(unnamed)";

    /// <summary>
    /// Refuses an output this plan would misprice, the output part of <see cref="EnsureFits(ModelPackage)"/>: a frequency
    /// relativity needs a claim frequency; a score plan would discard a claim frequency's relativities. For a score whose
    /// model was checked at another time than its pricing (an experiment's variant, a hot reload).
    /// </summary>
    /// <param name="kind">What the model outputs (<see cref="Results.RiskScore.OutputKind"/>).</param>
    /// <param name="model">The model's name and version, for the message.</param>
    /// <exception cref="PricingPlanException">The plan cannot price that output; the message names the plan field, the model and the way out.</exception>
    public void EnsurePrices(ModelOutputKind kind, string model)
    {
        if (Relativity is not null && kind != ModelOutputKind.Frequency)
        {
            throw new PricingPlanException("telematics_relativity",
                $"plan {Name} prices a claim frequency, but model {model} outputs a {kind.ToString().ToLowerInvariant()}; serve a frequency model (e.g. the shipped one) or use a risk_multiplier plan.");
        }

        if (Relativity is null && kind == ModelOutputKind.Frequency)
        {
            throw new PricingPlanException("risk_multiplier",
                $"plan {Name} prices the 0–100 score, which would discard the claim-frequency relativities of model {model}; migrate the plan to telematics_relativity (docs/pricing/README.md, \"Migrating a score plan\") or serve a score model.");
        }
    }

    /// <summary>
    /// Checks the plan against every model <paramref name="experiment"/> serves: each variant that is not a shadow (shadows
    /// are scored, never priced), resolved by <paramref name="scorer"/> as scoring would resolve it now. A variant whose
    /// model is not served is left to <see cref="ExperimentScorer.CheckReferences"/>.
    /// </summary>
    /// <param name="experiment">The experiment whose served scores the plan prices.</param>
    /// <param name="scorer">Resolves the variants' models.</param>
    /// <exception cref="PricingPlanException">A variant's model does not fit (<see cref="EnsureFits(ModelPackage)"/>); the message names the experiment and the variant.</exception>
    public void EnsureFits(ExperimentDefinition experiment, ExperimentScorer scorer)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(scorer);
        foreach (var variant in experiment.Variants)
        {
            if (variant.IsShadow || !scorer.TryAcquireModel(variant.Model, out var lease))
            {
                continue;
            }

            using (lease)
            {
                try
                {
                    EnsureFits(lease.Package);
                }
                catch (PricingPlanException e)
                {
                    throw new PricingPlanException(e.Field, $"variant '{variant.Name}' of experiment '{experiment.Name}' serves model {lease.Package}: {e.Problem}");
                }
            }
        }
    }

    /// <summary>
    /// Refuses a plan that prices again what the model already prices: a discount on a feature the model reads, or
    /// mileage bands when it reads distance. Such a factor would be counted twice, once in the model's frequency and once
    /// in the plan. Applies to plans priced on the model's frequency (<see cref="Relativity"/>); others pass.
    /// </summary>
    /// <param name="modelFeatures">The features the served model reads.</param>
    /// <param name="model">The model's name and version, for the message.</param>
    /// <exception cref="PricingPlanException">A discount or the mileage bands double-count; the message names the field, the feature and the model.</exception>
    public void RefuseDoubleCounting(IReadOnlyList<string> modelFeatures, string model)
    {
        ArgumentNullException.ThrowIfNull(modelFeatures);
        // By the feature meant, not the name: a prohibited annual_km is the distance_km a telematics@1 model reads.
        foreach (var feature in ProhibitedFeatures)
        {
            if (TelematicsFeatureNames.Find(modelFeatures, feature) is { } read)
            {
                throw new PricingPlanException("prohibited_features",
                    $"'{feature}' may not be priced under this plan, but model {model} reads it{(read == feature ? "" : $" (as '{read}')")}; train without it (telematics train --exclude-features {TelematicsFeatureNames.Canonical(feature)}).");
            }
        }

        if (Relativity is null)
        {
            return;
        }

        for (var i = 0; i < _discounts.Length; i++)
        {
            var feature = _discounts[i].Feature;
            if (TelematicsFeatureNames.Find(modelFeatures, feature) is { } read)
            {
                throw new PricingPlanException($"discounts[{i}].feature",
                    $"'{feature}' (discount '{_discounts[i].Name}') is already priced by model {model}{(read == feature ? "" : $" (as '{read}')")}; discounting it again would count it twice.");
            }
        }

        if (_mileageBands.Length > 0 && TelematicsFeatureNames.Find(modelFeatures, TelematicsFeaturesV2.AnnualKm) is not null)
        {
            throw new PricingPlanException("mileage_bands", $"distance is already priced by model {model}; mileage bands would count it twice.");
        }
    }
}
