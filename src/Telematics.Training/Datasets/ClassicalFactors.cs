using Telematics.Training.Synthetic;

namespace Telematics.Training.Datasets;

/// <summary>A driver's classical rating factors, the inputs of a traditional tariff.</summary>
/// <param name="AgeBand">Age band.</param>
/// <param name="Region">Region: <c>urban</c>, <c>suburban</c> or <c>rural</c>.</param>
/// <param name="VehicleClass">Vehicle class.</param>
/// <param name="AnnualMileageKm">Declared kilometres per year, &gt; 0.</param>
public readonly record struct ClassicalFactors(AgeBand AgeBand, string Region, VehicleClass VehicleClass, double AnnualMileageKm)
{
    /// <summary>Number of model inputs <see cref="Encode"/> writes.</summary>
    public const int EncodedCount = 12;

    /// <summary>Names of the encoded inputs, in the order <see cref="Encode"/> writes them.</summary>
    public static IReadOnlyList<string> EncodedNames { get; } =
    [
        "age_under25", "age_25_39", "age_40_64", "age_over65",
        "region_urban", "region_suburban", "region_rural",
        "vehicle_small", "vehicle_family", "vehicle_suv", "vehicle_performance",
        "log_annual_km",
    ];

    /// <summary>Writes the factors one-hot (age, region, vehicle) plus ln(annual km / 12,000) into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least <see cref="EncodedCount"/> values.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short or <see cref="Region"/> is unknown.</exception>
    public void Encode(Span<float> destination)
    {
        if (destination.Length < EncodedCount)
        {
            throw new ArgumentException($"The destination needs {EncodedCount} values.", nameof(destination));
        }

        destination[..EncodedCount].Clear();
        destination[(int)AgeBand] = 1;
        destination[4 + RegionIndex(Region)] = 1;
        destination[7 + (int)VehicleClass] = 1;
        destination[11] = (float)Math.Log(Math.Max(AnnualMileageKm, 1) / ClaimFrequencyModel.ReferenceMileageKm);
    }

    /// <summary>Returns 0, 1 or 2 for urban, suburban or rural.</summary>
    /// <exception cref="ArgumentException">The region is none of these.</exception>
    public static int RegionIndex(string region) => region switch
    {
        "urban" => 0,
        "suburban" => 1,
        "rural" => 2,
        _ => throw new ArgumentException($"Region '{region}' must be urban, suburban or rural.", nameof(region)),
    };
}
