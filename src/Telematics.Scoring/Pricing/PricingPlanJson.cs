using System.Text;

using Telematics.Features.Schema;
using Telematics.Scoring.Json;
using Telematics.Scoring.Results;

namespace Telematics.Scoring.Pricing;

/// <summary>Reads pricing plans from JSON (format documented in <c>docs/pricing/README.md</c>).</summary>
/// <remarks>Unknown properties are refused so that a typo cannot silently change a price. All members are thread-safe.</remarks>
public static class PricingPlanJson
{
    /// <summary>Parses and validates a pricing plan from JSON text.</summary>
    /// <param name="json">The JSON document.</param>
    /// <param name="schema">Schema discount features must belong to; <see langword="null"/> means <see cref="TelematicsFeatures.Schema"/>.</param>
    /// <exception cref="PricingPlanException">The JSON is malformed or the plan is invalid; the message names the field.</exception>
    public static PricingPlan Parse(string json, FeatureSchema? schema = null)
    {
        var document = JsonContractReader.Read(json, ScoringJsonContext.Contracts.PricingPlanDocument, static (field, problem, cause) => cause is null ? new PricingPlanException(field, problem) : new PricingPlanException(field, problem, cause));
        return Read(document, schema);
    }

    /// <summary>Reads, parses and validates a pricing plan file.</summary>
    /// <param name="path">Path of a UTF-8 JSON file.</param>
    /// <param name="schema">Schema discount features must belong to; <see langword="null"/> means <see cref="TelematicsFeatures.Schema"/>.</param>
    /// <exception cref="PricingPlanException">The JSON is malformed or the plan is invalid; the message names the file and field.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static PricingPlan Load(string path, FeatureSchema? schema = null)
    {
        var text = File.ReadAllText(path, Encoding.UTF8);
        try
        {
            return Parse(text, schema);
        }
        catch (PricingPlanException e)
        {
            throw new PricingPlanException(e.Field, $"{e.Problem} (file '{path}')", e);
        }
    }

    private static PricingPlan Read(PricingPlanDocument plan, FeatureSchema? schema)
    {
        var name = Required(plan.Name, "name");
        var currency = Required(plan.Currency, "currency");

        var rounding = Required(plan.Rounding, "rounding");
        var decimals = Required(rounding.Decimals, "rounding.decimals");
        var mode = rounding.Mode switch
        {
            null or "half_even" => PremiumRoundingMode.HalfEven,
            "half_up" => PremiumRoundingMode.HalfUp,
            "up" => PremiumRoundingMode.Up,
            "down" => PremiumRoundingMode.Down,
            var other => throw new PricingPlanException("rounding.mode", $"'{other}' is not one of half_even, half_up, up, down."),
        };

        var baseRate = Required(plan.BaseRate, "base_rate");
        var defaultRate = Required(baseRate.Default, "base_rate.default");
        var regions = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
        foreach (var (region, rate) in baseRate.Regions ?? [])
        {
            if (!regions.TryAdd(region, rate))
            {
                throw new PricingPlanException($"base_rate.regions.{region}", "is listed twice (region codes are case-insensitive).");
            }
        }

        // Exactly one way to price risk: a score multiplier (percentile score) or the model's frequency relativity.
        if ((plan.TelematicsRelativity is null) == (plan.RiskMultiplier is null))
        {
            throw new PricingPlanException(plan.TelematicsRelativity is null ? "risk_multiplier" : "telematics_relativity",
                plan.TelematicsRelativity is null ? "is required (or telematics_relativity, to price the model's frequency)." : "and risk_multiplier exclude each other; give one.");
        }

        FrequencyRelativity? relativity = null;
        if (plan.TelematicsRelativity is { } r)
        {
            Dictionary<string, double>? regionMeans = null;
            if (r.RegionMeanFrequency is { } means)
            {
                regionMeans = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var (region, mean) in means)
                {
                    regionMeans[region] = (double)mean;
                }
            }

            Dictionary<string, double>? cellMeans = null;
            if (r.CellMeanFrequency is { } cells)
            {
                cellMeans = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var (cell, mean) in cells)
                {
                    cellMeans[cell] = (double)mean;
                }
            }

            relativity = new FrequencyRelativity(
                (double)Required(r.BookMeanFrequency, "telematics_relativity.book_mean_frequency"),
                regionMeans,
                cellMeans,
                (double)Required(r.CredibilityDays, "telematics_relativity.credibility_days"),
                Required(r.MaxDiscountPercent, "telematics_relativity.max_discount_percent"),
                Required(r.MaxSurchargePercent, "telematics_relativity.max_surcharge_percent"));
        }

        var classical = plan.ClassicalRelativities is { } c
            ? new ClassicalRelativities(c.AgeBand, c.VehicleClass)
            : null;

        // A relativity plan carries a neutral multiplier that is never applied.
        var risk = plan.RiskMultiplier is { } multiplier ? ReadRiskMultiplier(multiplier) : new ExponentialRiskMultiplier(0);
        var prohibited = new List<string>();
        for (var i = 0; i < (plan.ProhibitedFeatures?.Count ?? 0); i++)
        {
            var feature = Required(plan.ProhibitedFeatures![i], $"prohibited_features[{i}]");
            if (!TelematicsFeatures.Schema.TryGetIndex(feature, out _) && !TelematicsFeaturesV2.Schema.TryGetIndex(feature, out _))
            {
                throw new PricingPlanException($"prohibited_features[{i}]", $"'{feature}' is not a telematics feature.");
            }

            prohibited.Add(feature);
        }

        return new PricingPlan(
            name, currency, decimals, mode, defaultRate, regions, risk, ReadMileage(plan.MileageBands), ReadDiscounts(plan.Discounts),
            plan.TotalDiscountCapPercent, plan.Floor, plan.Ceiling, schema) { Relativity = relativity, Classical = classical, ProhibitedFeatures = prohibited };
    }

    private static RiskMultiplier ReadRiskMultiplier(RiskMultiplierDocument o)
    {
        var kind = Required(o.Kind, "risk_multiplier.kind");
        RefuseOtherKinds(o, kind);
        switch (kind)
        {
            case "exponential":
                return new ExponentialRiskMultiplier((double)Required(o.K, "risk_multiplier.k"));
            case "piecewise_linear":
                var points = new List<(double, decimal)>();
                var pairs = Required(o.Points, "risk_multiplier.points");
                for (var i = 0; i < pairs.Count; i++)
                {
                    if (pairs[i] is not { Length: 2 } pair)
                    {
                        throw new PricingPlanException($"risk_multiplier.points[{i}]", "must be a [score, factor] pair.");
                    }

                    points.Add(((double)pair[0], pair[1]));
                }

                return new PiecewiseLinearRiskMultiplier(points);
            case "stepped":
                var bands = new List<(double, decimal)>();
                var given = Required(o.Bands, "risk_multiplier.bands");
                for (var b = 0; b < given.Count; b++)
                {
                    var band = Required(given[b], $"risk_multiplier.bands[{b}]");
                    bands.Add(((double)Required(band.UpToScore, $"risk_multiplier.bands[{b}].up_to_score"), Required(band.Factor, $"risk_multiplier.bands[{b}].factor")));
                }

                return new SteppedRiskMultiplier(bands);
            case "category":
                var factors = new Dictionary<RiskCategory, decimal>();
                foreach (var (name, factor) in Required(o.Factors, "risk_multiplier.factors"))
                {
                    var category = RiskCategory.Excellent;
                    while (category <= RiskCategory.High && category.ToWireName() != name)
                    {
                        category++;
                    }

                    if (category > RiskCategory.High)
                    {
                        throw new PricingPlanException($"risk_multiplier.factors.{name}", "is not a category (excellent, good, average, below_average, high).");
                    }

                    factors[category] = factor;
                }

                return SteppedRiskMultiplier.FromCategories(factors);
            default:
                throw new PricingPlanException("risk_multiplier.kind", $"'{kind}' is not one of exponential, piecewise_linear, stepped, category.");
        }
    }

    // Each kind reads its own fields only: another kind's field is a mistake, not something to ignore.
    private static void RefuseOtherKinds(RiskMultiplierDocument o, string kind)
    {
        var unexpected = (kind != "exponential" && o.K is not null) ? "k"
            : (kind != "piecewise_linear" && o.Points is not null) ? "points"
            : (kind != "stepped" && o.Bands is not null) ? "bands"
            : (kind != "category" && o.Factors is not null) ? "factors"
            : null;
        if (unexpected is not null)
        {
            throw new PricingPlanException($"risk_multiplier.{unexpected}", $"is not a known property of kind '{kind}'.");
        }
    }

    private static List<MileageBand> ReadMileage(List<MileageBandDocument>? given)
    {
        var bands = new List<MileageBand>();
        for (var i = 0; i < (given?.Count ?? 0); i++)
        {
            var band = Required(given![i], $"mileage_bands[{i}]");
            bands.Add(new MileageBand((double?)band.UpToKm, Required(band.Factor, $"mileage_bands[{i}].factor")));
        }

        return bands;
    }

    private static List<DiscountRule> ReadDiscounts(List<DiscountDocument>? given)
    {
        var rules = new List<DiscountRule>();
        for (var i = 0; i < (given?.Count ?? 0); i++)
        {
            var path = $"discounts[{i}]";
            var rule = Required(given![i], path);
            var name = Required(rule.Name, $"{path}.name");
            var feature = Required(rule.Feature, $"{path}.feature");
            var comparison = Required(rule.When, $"{path}.when") switch
            {
                "<" => DiscountComparison.LessThan,
                "<=" => DiscountComparison.LessThanOrEqual,
                ">" => DiscountComparison.GreaterThan,
                ">=" => DiscountComparison.GreaterThanOrEqual,
                var other => throw new PricingPlanException($"{path}.when", $"'{other}' is not one of <, <=, >, >=."),
            };
            rules.Add(new DiscountRule(
                name, feature, comparison, (double)Required(rule.Threshold, $"{path}.threshold"), Required(rule.Percent, $"{path}.percent"), rule.Cap));
        }

        return rules;
    }

    private static T Required<T>(T? value, string field)
        where T : class =>
        value ?? throw new PricingPlanException(field, "is required.");

    private static T Required<T>(T? value, string field)
        where T : struct =>
        value ?? throw new PricingPlanException(field, "is required.");
}
