using Telematics.Features.Schema;
using Telematics.Scoring.Packaging;

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
        if (Relativity is not null && model.OutputKind != ModelOutputKind.Frequency)
        {
            throw new PricingPlanException("telematics_relativity",
                $"plan {Name} prices a claim frequency, but model {model} outputs a {model.OutputKind.ToString().ToLowerInvariant()}; serve a frequency model (e.g. the shipped one) or use a risk_multiplier plan.");
        }

        if (Relativity is null && model.OutputKind == ModelOutputKind.Frequency)
        {
            throw new PricingPlanException("risk_multiplier",
                $"plan {Name} prices the 0–100 score, which would discard the claim-frequency relativities of model {model}; migrate the plan to telematics_relativity (docs/pricing/README.md, \"Migrating a score plan\") or serve a score model.");
        }

        RefuseDoubleCounting(model.Model.Binding.FeatureNames, model.ToString());
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
        foreach (var feature in ProhibitedFeatures)
        {
            if (modelFeatures.Contains(feature))
            {
                throw new PricingPlanException("prohibited_features",
                    $"'{feature}' may not be priced under this plan, but model {model} reads it; train without it (telematics train --exclude-features {feature}).");
            }
        }

        if (Relativity is null)
        {
            return;
        }

        for (var i = 0; i < _discounts.Length; i++)
        {
            var feature = _discounts[i].Feature;
            if (modelFeatures.Contains(feature))
            {
                throw new PricingPlanException($"discounts[{i}].feature",
                    $"'{feature}' (discount '{_discounts[i].Name}') is already priced by model {model}; discounting it again would count it twice.");
            }
        }

        if (_mileageBands.Length > 0 && (modelFeatures.Contains(TelematicsFeatures.DistanceKm) || modelFeatures.Contains(TelematicsFeaturesV2.AnnualKm)))
        {
            throw new PricingPlanException("mileage_bands", $"distance is already priced by model {model}; mileage bands would count it twice.");
        }
    }
}
