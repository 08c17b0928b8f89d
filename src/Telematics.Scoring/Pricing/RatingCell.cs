namespace Telematics.Scoring.Pricing;

/// <summary>
/// The classical cell a driver is priced in: region (the base rate), age band and vehicle class (the plan's
/// <c>classical_relativities</c>). Each part may be unknown (null): its step then uses the plan's default.
/// </summary>
/// <param name="Region">Region code of the plan's base-rate table (such as <c>FR-75</c>), or null for the default base rate.</param>
/// <param name="AgeBand">Age band code (<see cref="RatingFactorCodes.AgeBands"/>), or null when not on record.</param>
/// <param name="VehicleClass">Vehicle class code (<see cref="RatingFactorCodes.VehicleClasses"/>), or null when not on record.</param>
public readonly record struct RatingCell(string? Region, string? AgeBand, string? VehicleClass)
{
    /// <summary>A cell known only by its region (the pricing inputs before classical factors were stored).</summary>
    /// <param name="region">Region code, or null.</param>
    public static RatingCell OfRegion(string? region) => new(region, null, null);

    /// <summary>The cell as a plan key, <c>region/age_band/vehicle_class</c>, with <c>*</c> for a part not known (as in <c>cell_mean_frequency</c>).</summary>
    public override string ToString() => $"{Region ?? "*"}/{AgeBand ?? "*"}/{VehicleClass ?? "*"}";
}
