using Telematics.Training.Synthetic;

namespace Telematics.Training.Datasets;

/// <summary>
/// The wire codes of the classical factors, as pricing plans (<c>classical_relativities</c>, <c>cell_mean_frequency</c>)
/// and <c>drivers.age_band</c> / <c>drivers.vehicle_class</c> spell them (Telematics.Scoring <c>RatingFactorCodes</c>; a
/// test holds the two lists equal).
/// </summary>
public static class RatingCodes
{
    /// <summary>The code of an age band: <c>under25</c>, <c>25_39</c>, <c>40_64</c> or <c>over65</c>.</summary>
    /// <param name="band">The band.</param>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined band.</exception>
    public static string Code(this AgeBand band) => band switch
    {
        AgeBand.Under25 => "under25",
        AgeBand.From25To39 => "25_39",
        AgeBand.From40To64 => "40_64",
        AgeBand.Over65 => "over65",
        _ => throw new ArgumentOutOfRangeException(nameof(band), band, "Unknown age band."),
    };

    /// <summary>The code of a vehicle class: <c>small</c>, <c>family</c>, <c>suv</c> or <c>performance</c>.</summary>
    /// <param name="vehicle">The class.</param>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined class.</exception>
    public static string Code(this VehicleClass vehicle) => vehicle switch
    {
        VehicleClass.Small => "small",
        VehicleClass.Family => "family",
        VehicleClass.Suv => "suv",
        VehicleClass.Performance => "performance",
        _ => throw new ArgumentOutOfRangeException(nameof(vehicle), vehicle, "Unknown vehicle class."),
    };
}
