using System.Text;
using System.Text.Json;
using Telematics.Features.Schema;
using Telematics.Scoring.Results;

namespace Telematics.Scoring.Pricing;

/// <summary>Reads pricing plans from JSON (format documented in <c>docs/pricing/README.md</c>).</summary>
/// <remarks>Unknown properties are refused so that a typo cannot silently change a price. All members are thread-safe.</remarks>
public static class PricingPlanJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Parses and validates a pricing plan from JSON text.</summary>
    /// <param name="json">The JSON document.</param>
    /// <param name="schema">Schema discount features must belong to; <see langword="null"/> means <see cref="TelematicsFeatures.Schema"/>.</param>
    /// <exception cref="PricingPlanException">The JSON is malformed or the plan is invalid; the message names the field.</exception>
    public static PricingPlan Parse(string json, FeatureSchema? schema = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new PricingPlanException("$", $"is not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }

        using (document)
        {
            return Read(document.RootElement, schema);
        }
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

    private static PricingPlan Read(JsonElement root, FeatureSchema? schema)
    {
        var o = new JsonObjectReader(root, "$");
        var name = o.RequiredString("name");
        var currency = o.RequiredString("currency");

        var rounding = o.RequiredObject("rounding");
        var decimals = rounding.RequiredInt("decimals");
        var mode = rounding.OptionalString("mode") switch
        {
            null or "half_even" => PremiumRoundingMode.HalfEven,
            "half_up" => PremiumRoundingMode.HalfUp,
            "up" => PremiumRoundingMode.Up,
            "down" => PremiumRoundingMode.Down,
            var other => throw new PricingPlanException("rounding.mode", $"'{other}' is not one of half_even, half_up, up, down."),
        };
        rounding.RefuseUnknown();

        var baseRate = o.RequiredObject("base_rate");
        var defaultRate = baseRate.RequiredDecimal("default");
        var regions = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
        if (baseRate.OptionalObject("regions") is { } regionObject)
        {
            foreach (var property in regionObject.Element.EnumerateObject())
            {
                if (!regions.TryAdd(property.Name, JsonObjectReader.Decimal(property.Value, $"base_rate.regions.{property.Name}")))
                {
                    throw new PricingPlanException($"base_rate.regions.{property.Name}", "is listed twice (region codes are case-insensitive).");
                }
            }
        }

        baseRate.RefuseUnknown();

        // Exactly one way to price risk: a score multiplier (percentile score) or the model's frequency relativity.
        var relativityObject = o.OptionalObject("telematics_relativity");
        var riskObject = o.OptionalObject("risk_multiplier");
        if ((relativityObject is null) == (riskObject is null))
        {
            throw new PricingPlanException(relativityObject is null ? "risk_multiplier" : "telematics_relativity",
                relativityObject is null ? "is required (or telematics_relativity, to price the model's frequency)." : "and risk_multiplier exclude each other; give one.");
        }

        FrequencyRelativity? relativity = null;
        if (relativityObject is not null)
        {
            Dictionary<string, double>? regionMeans = null;
            if (relativityObject.OptionalObject("region_mean_frequency") is { } regionMeanObject)
            {
                regionMeans = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var property in regionMeanObject.Element.EnumerateObject())
                {
                    regionMeans[property.Name] = (double)JsonObjectReader.Decimal(property.Value, $"telematics_relativity.region_mean_frequency.{property.Name}");
                }
            }

            relativity = new FrequencyRelativity(
                (double)relativityObject.RequiredDecimal("book_mean_frequency"),
                regionMeans,
                (double)relativityObject.RequiredDecimal("credibility_days"),
                relativityObject.RequiredDecimal("max_discount_percent"),
                relativityObject.RequiredDecimal("max_surcharge_percent"));
            relativityObject.RefuseUnknown();
        }

        // A relativity plan carries a neutral multiplier that is never applied.
        var risk = riskObject is null ? new ExponentialRiskMultiplier(0) : ReadRiskMultiplier(riskObject);
        var prohibited = new List<string>();
        if (o.OptionalArray("prohibited_features") is { } prohibitedArray)
        {
            var index = 0;
            foreach (var item in prohibitedArray.EnumerateArray())
            {
                var field = $"prohibited_features[{index++}]";
                var feature = item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new PricingPlanException(field, "must be a feature name.");
                if (!TelematicsFeatures.Schema.TryGetIndex(feature, out _) && !TelematicsFeaturesV2.Schema.TryGetIndex(feature, out _))
                {
                    throw new PricingPlanException(field, $"'{feature}' is not a telematics feature.");
                }

                prohibited.Add(feature);
            }
        }

        var mileage = ReadMileage(o.OptionalArray("mileage_bands"));
        var discounts = ReadDiscounts(o.OptionalArray("discounts"));
        var totalCap = o.OptionalDecimal("total_discount_cap_percent");
        var floor = o.OptionalDecimal("floor");
        var ceiling = o.OptionalDecimal("ceiling");
        o.RefuseUnknown();

        return new PricingPlan(name, currency, decimals, mode, defaultRate, regions, risk, mileage, discounts, totalCap, floor, ceiling, schema) { Relativity = relativity, ProhibitedFeatures = prohibited };
    }

    private static RiskMultiplier ReadRiskMultiplier(JsonObjectReader o)
    {
        RiskMultiplier multiplier;
        switch (o.RequiredString("kind"))
        {
            case "exponential":
                multiplier = new ExponentialRiskMultiplier((double)o.RequiredDecimal("k"));
                break;
            case "piecewise_linear":
                var points = new List<(double, decimal)>();
                var i = 0;
                foreach (var point in o.RequiredArray("points").EnumerateArray())
                {
                    var field = $"risk_multiplier.points[{i++}]";
                    if (point.ValueKind != JsonValueKind.Array || point.GetArrayLength() != 2)
                    {
                        throw new PricingPlanException(field, "must be a [score, factor] pair.");
                    }

                    points.Add(((double)JsonObjectReader.Decimal(point[0], field), JsonObjectReader.Decimal(point[1], field)));
                }

                multiplier = new PiecewiseLinearRiskMultiplier(points);
                break;
            case "stepped":
                var bands = new List<(double, decimal)>();
                var b = 0;
                foreach (var band in o.RequiredArray("bands").EnumerateArray())
                {
                    var bandReader = new JsonObjectReader(band, $"risk_multiplier.bands[{b++}]");
                    bands.Add(((double)bandReader.RequiredDecimal("up_to_score"), bandReader.RequiredDecimal("factor")));
                    bandReader.RefuseUnknown();
                }

                multiplier = new SteppedRiskMultiplier(bands);
                break;
            case "category":
                var factors = new Dictionary<RiskCategory, decimal>();
                foreach (var property in o.RequiredObjectElement("factors").EnumerateObject())
                {
                    var field = $"risk_multiplier.factors.{property.Name}";
                    var category = RiskCategory.Excellent;
                    while (category <= RiskCategory.High && category.ToWireName() != property.Name)
                    {
                        category++;
                    }

                    if (category > RiskCategory.High)
                    {
                        throw new PricingPlanException(field, "is not a category (excellent, good, average, below_average, high).");
                    }

                    factors[category] = JsonObjectReader.Decimal(property.Value, field);
                }

                multiplier = SteppedRiskMultiplier.FromCategories(factors);
                break;
            case var kind:
                throw new PricingPlanException("risk_multiplier.kind", $"'{kind}' is not one of exponential, piecewise_linear, stepped, category.");
        }

        o.RefuseUnknown();
        return multiplier;
    }

    private static List<MileageBand> ReadMileage(JsonElement? array)
    {
        var bands = new List<MileageBand>();
        if (array is null)
        {
            return bands;
        }

        var i = 0;
        foreach (var element in array.Value.EnumerateArray())
        {
            var band = new JsonObjectReader(element, $"mileage_bands[{i++}]");
            bands.Add(new MileageBand((double?)band.OptionalDecimal("up_to_km"), band.RequiredDecimal("factor")));
            band.RefuseUnknown();
        }

        return bands;
    }

    private static List<DiscountRule> ReadDiscounts(JsonElement? array)
    {
        var rules = new List<DiscountRule>();
        if (array is null)
        {
            return rules;
        }

        var i = 0;
        foreach (var element in array.Value.EnumerateArray())
        {
            var path = $"discounts[{i++}]";
            var rule = new JsonObjectReader(element, path);
            var name = rule.RequiredString("name");
            var feature = rule.RequiredString("feature");
            var comparison = rule.RequiredString("when") switch
            {
                "<" => DiscountComparison.LessThan,
                "<=" => DiscountComparison.LessThanOrEqual,
                ">" => DiscountComparison.GreaterThan,
                ">=" => DiscountComparison.GreaterThanOrEqual,
                var other => throw new PricingPlanException($"{path}.when", $"'{other}' is not one of <, <=, >, >=."),
            };
            rules.Add(new DiscountRule(name, feature, comparison, (double)rule.RequiredDecimal("threshold"), rule.RequiredDecimal("percent"), rule.OptionalDecimal("cap")));
            rule.RefuseUnknown();
        }

        return rules;
    }
}
