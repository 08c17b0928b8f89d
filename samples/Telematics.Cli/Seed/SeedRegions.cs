using Telematics.Scoring.Pricing;

namespace Telematics.Cli.Seed;

/// <summary>The pricing region each seeded driver gets: the plan's regions in code order, dealt out by driver index.</summary>
/// <remarks>
/// Round-robin by the population index, so a driver keeps its region from run to run and the regions are equally
/// represented. A plan without regions leaves every driver on the default base rate (null).
/// </remarks>
internal sealed class SeedRegions
{
    private readonly string[] _codes;

    private SeedRegions(string[] codes) => _codes = codes;

    /// <summary>The plan's region codes, ordered ordinally so the order does not depend on how the file lists them.</summary>
    public static SeedRegions FromPlan(PricingPlan plan)
    {
        var codes = plan.RegionBaseRates.Keys.ToArray();
        Array.Sort(codes, StringComparer.Ordinal);
        return new SeedRegions(codes);
    }

    /// <summary>The region of the driver at population index <paramref name="index"/> (≥ 0), or null when the plan has none.</summary>
    public string? For(int index) => _codes.Length == 0 ? null : _codes[index % _codes.Length];
}
