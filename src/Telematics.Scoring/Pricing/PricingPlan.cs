using System.Collections.Frozen;
using System.Globalization;
using Telematics.Features.Schema;

namespace Telematics.Scoring.Pricing;

/// <summary>
/// A validated pricing plan: base annual rate by region, risk multiplier, pay-as-you-drive mileage bands,
/// capped discount rules, a cap on total discount, floor, ceiling, currency and rounding.
/// </summary>
/// <remarks>
/// Build one in code or read it with <see cref="PricingPlanJson"/> (format in <c>docs/pricing/README.md</c>);
/// price with <see cref="PremiumCalculator"/>. Instances are immutable and safe to share between threads.
/// </remarks>
public sealed partial class PricingPlan
{
    private readonly FrozenDictionary<string, decimal> _regionRates;
    private readonly MileageBand[] _mileageBands;
    private readonly DiscountRule[] _discounts;

    /// <summary>Creates and validates a plan.</summary>
    /// <param name="name">Plan name shown with each quote.</param>
    /// <param name="currency">ISO 4217 code: three upper-case letters, for example <c>EUR</c>.</param>
    /// <param name="decimals">Decimal places of the premium, 0–4.</param>
    /// <param name="roundingMode">How the premium is rounded to <paramref name="decimals"/>.</param>
    /// <param name="defaultBaseRate">Base annual rate for regions not listed, &gt; 0.</param>
    /// <param name="regionBaseRates">Base annual rate per region code (compared case-insensitively), each &gt; 0.</param>
    /// <param name="riskMultiplier">Factor by risk score.</param>
    /// <param name="mileageBands">Pay-as-you-drive bands, ascending, the last open-ended; empty for no mileage factor.</param>
    /// <param name="discounts">Discount rules with unique names; their percentages sum to at most 100.</param>
    /// <param name="totalDiscountCapPercent">Largest total discount as a percentage of the pre-discount premium (0–100), or <see langword="null"/> for none.</param>
    /// <param name="floor">Lowest premium, or <see langword="null"/>; at most <paramref name="decimals"/> decimal places.</param>
    /// <param name="ceiling">Highest premium, or <see langword="null"/>; at least <paramref name="floor"/>, at most <paramref name="decimals"/> decimal places.</param>
    /// <param name="schema">Schema discount features must belong to; <see langword="null"/> means <see cref="TelematicsFeatures.Schema"/>.</param>
    /// <exception cref="PricingPlanException">The plan is invalid; the message names the field (JSON names, for example <c>discounts[1].percent</c>).</exception>
    public PricingPlan(
        string name,
        string currency,
        int decimals,
        PremiumRoundingMode roundingMode,
        decimal defaultBaseRate,
        IReadOnlyDictionary<string, decimal>? regionBaseRates,
        RiskMultiplier riskMultiplier,
        IEnumerable<MileageBand>? mileageBands,
        IEnumerable<DiscountRule>? discounts,
        decimal? totalDiscountCapPercent,
        decimal? floor,
        decimal? ceiling,
        FeatureSchema? schema = null)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new PricingPlanException("name", "is required.");
        }

        if (currency is null || currency.Length != 3 || !char.IsAsciiLetterUpper(currency[0]) || !char.IsAsciiLetterUpper(currency[1]) || !char.IsAsciiLetterUpper(currency[2]))
        {
            throw new PricingPlanException("currency", $"'{currency}' is not an ISO 4217 code (three upper-case letters such as EUR).");
        }

        if (decimals is < 0 or > 4)
        {
            throw new PricingPlanException("rounding.decimals", $"{decimals} is outside 0–4.");
        }

        if (!Enum.IsDefined(roundingMode))
        {
            throw new PricingPlanException("rounding.mode", $"{roundingMode} is not a rounding mode.");
        }

        RequirePositiveAmount(defaultBaseRate, "base_rate.default");
        RequirePlaces(defaultBaseRate, MaxAmountDecimals, "base_rate.default");
        var rates = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
        foreach (var (region, rate) in regionBaseRates ?? FrozenDictionary<string, decimal>.Empty)
        {
            if (string.IsNullOrWhiteSpace(region))
            {
                throw new PricingPlanException("base_rate.regions", "a region code is empty.");
            }

            RequirePositiveAmount(rate, $"base_rate.regions.{region}");
            RequirePlaces(rate, MaxAmountDecimals, $"base_rate.regions.{region}");
            if (!rates.TryAdd(region, rate))
            {
                throw new PricingPlanException($"base_rate.regions.{region}", "is listed twice (region codes are case-insensitive).");
            }
        }

        ArgumentNullException.ThrowIfNull(riskMultiplier);
        _mileageBands = [.. mileageBands ?? []];
        ValidateMileage(_mileageBands);
        _discounts = [.. discounts ?? []];
        ValidateDiscounts(_discounts, schema ?? TelematicsFeatures.Schema);

        if (totalDiscountCapPercent is < 0 or > 100)
        {
            throw new PricingPlanException("total_discount_cap_percent", $"{totalDiscountCapPercent} is outside 0–100.");
        }

        ValidateBound(floor, decimals, "floor");
        ValidateBound(ceiling, decimals, "ceiling");
        if (floor > ceiling)
        {
            throw new PricingPlanException("ceiling", $"{ceiling} is below the floor {floor}.");
        }

        Name = name;
        Currency = currency;
        Decimals = decimals;
        RoundingMode = roundingMode;
        DefaultBaseRate = defaultBaseRate;
        _regionRates = rates.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        RiskMultiplier = riskMultiplier;
        TotalDiscountCapPercent = totalDiscountCapPercent;
        Floor = floor;
        Ceiling = ceiling;
    }

    /// <summary>Plan name.</summary>
    public string Name { get; }

    /// <summary>ISO 4217 currency code of every amount.</summary>
    public string Currency { get; }

    /// <summary>Decimal places of the premium.</summary>
    public int Decimals { get; }

    /// <summary>How the premium is rounded to <see cref="Decimals"/>.</summary>
    public PremiumRoundingMode RoundingMode { get; }

    /// <summary>Base annual rate for regions without a rate of their own.</summary>
    public decimal DefaultBaseRate { get; }

    /// <summary>Base annual rate per region code (case-insensitive).</summary>
    public IReadOnlyDictionary<string, decimal> RegionBaseRates => _regionRates;

    /// <summary>Factor by risk score.</summary>
    public RiskMultiplier RiskMultiplier { get; }

    /// <summary>Pay-as-you-drive bands in ascending order (empty: no mileage factor).</summary>
    public IReadOnlyList<MileageBand> MileageBands => _mileageBands;

    /// <summary>Discount rules in the order they appear in the breakdown.</summary>
    public IReadOnlyList<DiscountRule> Discounts => _discounts;

    /// <summary>Largest total discount as a percentage of the pre-discount premium, or <see langword="null"/>.</summary>
    public decimal? TotalDiscountCapPercent { get; }

    /// <summary>Lowest premium, or <see langword="null"/>.</summary>
    public decimal? Floor { get; }

    /// <summary>Highest premium, or <see langword="null"/>.</summary>
    public decimal? Ceiling { get; }

    /// <summary>Returns the base rate of <paramref name="region"/>, or <see cref="DefaultBaseRate"/> when it has none.</summary>
    /// <param name="region">Region code, or <see langword="null"/> for the default.</param>
    /// <param name="matchedRegion"><see langword="true"/> when the region has a rate of its own.</param>
    public decimal BaseRateFor(string? region, out bool matchedRegion)
    {
        matchedRegion = region is not null && _regionRates.TryGetValue(region, out _);
        return matchedRegion ? _regionRates[region!] : DefaultBaseRate;
    }

    /// <summary>Returns the mileage factor for <paramref name="annualKm"/>, or 1 when the plan has no bands.</summary>
    /// <param name="annualKm">Annualised distance, km, finite and ≥ 0.</param>
    public decimal MileageFactorFor(double annualKm)
    {
        foreach (var band in _mileageBands)
        {
            if (band.UpToKm is not { } upTo || annualKm <= upTo)
            {
                return band.Factor;
            }
        }

        return 1m;
    }

    private static void RequirePositiveAmount(decimal amount, string field)
    {
        if (amount <= 0)
        {
            throw new PricingPlanException(field, $"{amount} must be greater than 0.");
        }
    }

    private static void ValidateMileage(MileageBand[] bands)
    {
        for (var i = 0; i < bands.Length; i++)
        {
            var field = $"mileage_bands[{i}]";
            var upTo = bands[i].UpToKm;
            var last = i == bands.Length - 1;
            if (upTo is null && !last)
            {
                throw new PricingPlanException($"{field}.up_to_km", "only the last band may be open-ended.");
            }

            if (upTo is not null && last)
            {
                throw new PricingPlanException($"{field}.up_to_km", "the last band must be open-ended (no up_to_km) so that every distance has a factor.");
            }

            if (upTo is { } km && (!double.IsFinite(km) || km <= 0 || (i > 0 && km <= bands[i - 1].UpToKm)))
            {
                throw new PricingPlanException($"{field}.up_to_km", $"{km.ToString(CultureInfo.InvariantCulture)} must be positive and greater than the previous band's.");
            }

            if (bands[i].Factor is <= 0 or > 100)
            {
                throw new PricingPlanException($"{field}.factor", $"{bands[i].Factor} is outside (0, 100].");
            }
        }
    }

    private static void ValidateDiscounts(DiscountRule[] discounts, FeatureSchema schema)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var percentSum = 0m;
        for (var i = 0; i < discounts.Length; i++)
        {
            var field = $"discounts[{i}]";
            var rule = discounts[i] ?? throw new PricingPlanException(field, "is null.");
            if (string.IsNullOrWhiteSpace(rule.Name) || !names.Add(rule.Name))
            {
                throw new PricingPlanException($"{field}.name", $"'{rule.Name}' is empty or used by an earlier rule.");
            }

            if (rule.Feature is null || !schema.TryGetIndex(rule.Feature, out _))
            {
                throw new PricingPlanException($"{field}.feature", $"'{rule.Feature}' is not a feature of schema {schema}.");
            }

            if (!Enum.IsDefined(rule.Comparison))
            {
                throw new PricingPlanException($"{field}.when", $"{rule.Comparison} is not a comparison.");
            }

            if (!double.IsFinite(rule.Threshold))
            {
                throw new PricingPlanException($"{field}.threshold", "must be a finite number.");
            }

            if (rule.Percent is <= 0 or > 100)
            {
                throw new PricingPlanException($"{field}.percent", $"{rule.Percent} is outside (0, 100].");
            }

            if (rule.CapAmount is <= 0)
            {
                throw new PricingPlanException($"{field}.cap", $"{rule.CapAmount} must be greater than 0 (leave it out for no cap).");
            }

            percentSum += rule.Percent;
        }

        // Above 100 % a dearer premium could end cheaper after discounts; this keeps the premium monotone.
        if (percentSum > 100)
        {
            throw new PricingPlanException("discounts", $"percentages sum to {percentSum}; they must sum to at most 100.");
        }
    }

    private static void ValidateBound(decimal? bound, int decimals, string field)
    {
        if (bound is not { } value)
        {
            return;
        }

        if (value < 0)
        {
            throw new PricingPlanException(field, $"{value} is negative.");
        }

        RequirePlaces(value, decimals, field);
    }

    // The most decimal places an amount of money keeps where premiums are stored (their base rate with them); a plan may
    // round its premium to fewer (whole euros from base rates in cents).
    private const int MaxAmountDecimals = 4;

    private static void RequirePlaces(decimal value, int decimals, string field)
    {
        if (decimal.Round(value, decimals) != value)
        {
            throw new PricingPlanException(field, decimals == MaxAmountDecimals
                ? $"{value} has more than {decimals} decimal places."
                : $"{value} has more than {decimals} decimal places (rounding.decimals).");
        }
    }

    /// <summary>
    /// Prices the model's claim frequency as a relativity with credibility and caps (plan JSON <c>telematics_relativity</c>);
    /// when set it replaces <see cref="RiskMultiplier"/>, and quotes need the model's frequency
    /// (<see cref="PremiumCalculator.Calculate(PricingPlan, double, ModelFrequency, double, string?, FeatureSchema, ReadOnlySpan{float})"/>).
    /// </summary>
    public FrequencyRelativity? Relativity { get; init; }

    /// <summary>
    /// The classical relativities by age band and vehicle class (plan JSON <c>classical_relativities</c>), applied after the
    /// base rate and before the risk step; null: none (factor 1), as for plans written before they existed.
    /// </summary>
    public ClassicalRelativities? Classical { get; init; }

    /// <summary>
    /// Features no model priced under this plan may read, where a jurisdiction prohibits them (plan JSON
    /// <c>prohibited_features</c>; see docs/training/fairness.md); checked by <see cref="RefuseDoubleCounting"/>.
    /// </summary>
    public IReadOnlyList<string> ProhibitedFeatures
    {
        get => _prohibitedFeatures;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            // Discounting a prohibited feature rates on it as surely as a model reading it would.
            for (var j = 0; j < value.Count; j++)
            {
                for (var i = 0; i < _discounts.Length; i++)
                {
                    if (TelematicsFeatureNames.Same(_discounts[i].Feature, value[j]))
                    {
                        throw new PricingPlanException($"discounts[{i}].feature",
                            $"'{_discounts[i].Feature}' (discount '{_discounts[i].Name}') is prohibited by the plan itself (prohibited_features[{j}] '{value[j]}'); drop the discount or the prohibition.");
                    }
                }
            }

            _prohibitedFeatures = [.. value];
        }
    }

    private readonly IReadOnlyList<string> _prohibitedFeatures = [];
}
