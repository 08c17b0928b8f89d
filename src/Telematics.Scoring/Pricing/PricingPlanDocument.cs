namespace Telematics.Scoring.Pricing;

// The JSON contract of a pricing plan (docs/pricing/README.md), read by PricingPlanJson through ScoringJsonContext. Every
// member is nullable: what is required, and every range, is checked by PricingPlanJson, which names the field.
#pragma warning disable CA1812 // instantiated by the source-generated contract
internal sealed class PricingPlanDocument
{
    public string? Name { get; set; }

    public string? Currency { get; set; }

    public RoundingDocument? Rounding { get; set; }

    public BaseRateDocument? BaseRate { get; set; }

    public RelativityDocument? TelematicsRelativity { get; set; }

    public ClassicalRelativitiesDocument? ClassicalRelativities { get; set; }

    public RiskMultiplierDocument? RiskMultiplier { get; set; }

    public List<string>? ProhibitedFeatures { get; set; }

    public List<MileageBandDocument>? MileageBands { get; set; }

    public List<DiscountDocument>? Discounts { get; set; }

    public decimal? TotalDiscountCapPercent { get; set; }

    public decimal? Floor { get; set; }

    public decimal? Ceiling { get; set; }
}

internal sealed class RoundingDocument
{
    public int? Decimals { get; set; }

    public string? Mode { get; set; }
}

internal sealed class BaseRateDocument
{
    public decimal? Default { get; set; }

    public Dictionary<string, decimal>? Regions { get; set; }
}

internal sealed class RelativityDocument
{
    public decimal? BookMeanFrequency { get; set; }

    public Dictionary<string, decimal>? RegionMeanFrequency { get; set; }

    public Dictionary<string, decimal>? CellMeanFrequency { get; set; }

    public decimal? CredibilityDays { get; set; }

    public decimal? MaxDiscountPercent { get; set; }

    public decimal? MaxSurchargePercent { get; set; }
}

internal sealed class ClassicalRelativitiesDocument
{
    public Dictionary<string, decimal>? AgeBand { get; set; }

    public Dictionary<string, decimal>? VehicleClass { get; set; }
}

internal sealed class RiskMultiplierDocument
{
    public string? Kind { get; set; }

    public decimal? K { get; set; }

    public List<decimal[]>? Points { get; set; }

    public List<StepBandDocument>? Bands { get; set; }

    public Dictionary<string, decimal>? Factors { get; set; }
}

internal sealed class StepBandDocument
{
    public decimal? UpToScore { get; set; }

    public decimal? Factor { get; set; }
}

internal sealed class MileageBandDocument
{
    public decimal? UpToKm { get; set; }

    public decimal? Factor { get; set; }
}

internal sealed class DiscountDocument
{
    public string? Name { get; set; }

    public string? Feature { get; set; }

    public string? When { get; set; }

    public decimal? Threshold { get; set; }

    public decimal? Percent { get; set; }

    public decimal? Cap { get; set; }
}
#pragma warning restore CA1812
