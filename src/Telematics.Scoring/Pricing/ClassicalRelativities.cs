using System.Collections.Frozen;
using System.Globalization;

namespace Telematics.Scoring.Pricing;

/// <summary>
/// The classical tariff's relativities by age band and by vehicle class (plan JSON <c>classical_relativities</c>): factors
/// on the region's base rate that price what the telematics model deliberately does not read, so that the book balances
/// by age band and vehicle class. <c>telematics train</c> derives them from the data (docs/training/fairness.md).
/// </summary>
/// <remarks>
/// A code the plan does not list, and a driver without an age band or vehicle class on record, get factor 1; the
/// breakdown step says which. Immutable and thread-safe.
/// </remarks>
public sealed class ClassicalRelativities
{
    private readonly FrozenDictionary<string, decimal> _ageBands;
    private readonly FrozenDictionary<string, decimal> _vehicleClasses;

    /// <summary>Creates and validates the relativities.</summary>
    /// <param name="ageBands">Factor per age band code (<see cref="RatingFactorCodes.AgeBands"/>), each in (0, 100]; null or empty for none.</param>
    /// <param name="vehicleClasses">Factor per vehicle class code (<see cref="RatingFactorCodes.VehicleClasses"/>), each in (0, 100]; null or empty for none.</param>
    /// <exception cref="PricingPlanException">A code is unknown or a factor out of range; the message names the JSON field (<c>classical_relativities.age_band.under25</c>).</exception>
    public ClassicalRelativities(IReadOnlyDictionary<string, decimal>? ageBands, IReadOnlyDictionary<string, decimal>? vehicleClasses)
    {
        _ageBands = Validate(ageBands, "age_band", RatingFactorCodes.IsAgeBand, RatingFactorCodes.AgeBands, "an age band");
        _vehicleClasses = Validate(vehicleClasses, "vehicle_class", RatingFactorCodes.IsVehicleClass, RatingFactorCodes.VehicleClasses, "a vehicle class");
    }

    /// <summary>Factor per age band code.</summary>
    public IReadOnlyDictionary<string, decimal> AgeBands => _ageBands;

    /// <summary>Factor per vehicle class code.</summary>
    public IReadOnlyDictionary<string, decimal> VehicleClasses => _vehicleClasses;

    /// <summary>The factor of <paramref name="ageBand"/>: its listed factor, else 1.</summary>
    /// <param name="ageBand">Age band code, or null when not on record.</param>
    public decimal AgeBandFactor(string? ageBand) => ageBand is not null && _ageBands.TryGetValue(ageBand, out var factor) ? factor : 1m;

    /// <summary>The factor of <paramref name="vehicleClass"/>: its listed factor, else 1.</summary>
    /// <param name="vehicleClass">Vehicle class code, or null when not on record.</param>
    public decimal VehicleClassFactor(string? vehicleClass) => vehicleClass is not null && _vehicleClasses.TryGetValue(vehicleClass, out var factor) ? factor : 1m;

    /// <summary>Multiplies <paramref name="total"/> by the age band and the vehicle class factors, one breakdown step each (for each table the plan gives).</summary>
    internal decimal Apply(decimal total, RatingCell cell, List<PremiumStep> steps)
    {
        if (_ageBands.Count > 0)
        {
            var factor = AgeBandFactor(cell.AgeBand);
            total *= factor;
            steps.Add(new PremiumStep("age_relativity", PremiumStepKind.Multiply, factor, total, Describe("age band", cell.AgeBand, _ageBands, factor)));
        }

        if (_vehicleClasses.Count > 0)
        {
            var factor = VehicleClassFactor(cell.VehicleClass);
            total *= factor;
            steps.Add(new PremiumStep("vehicle_relativity", PremiumStepKind.Multiply, factor, total, Describe("vehicle class", cell.VehicleClass, _vehicleClasses, factor)));
        }

        return total;
    }

    private static string Describe(string what, string? code, FrozenDictionary<string, decimal> table, decimal factor) =>
        code is null ? string.Create(CultureInfo.InvariantCulture, $"no {what} on record → factor {factor}")
        : table.ContainsKey(code) ? string.Create(CultureInfo.InvariantCulture, $"{what} {code} → factor {factor}")
        : string.Create(CultureInfo.InvariantCulture, $"{what} {code} not listed in the plan → factor {factor}");

    private static FrozenDictionary<string, decimal> Validate(
        IReadOnlyDictionary<string, decimal>? given, string table, Func<string?, bool> isCode, IReadOnlyList<string> codes, string what)
    {
        foreach (var (code, factor) in given ?? FrozenDictionary<string, decimal>.Empty)
        {
            var field = $"classical_relativities.{table}.{code}";
            if (!isCode(code))
            {
                throw new PricingPlanException(field, $"'{code}' is not {what} (one of {string.Join(", ", codes)}).");
            }

            if (factor is <= 0 or > 100)
            {
                throw new PricingPlanException(field, $"{factor} is outside (0, 100].");
            }
        }

        return (given ?? FrozenDictionary<string, decimal>.Empty).ToFrozenDictionary(StringComparer.Ordinal);
    }
}
