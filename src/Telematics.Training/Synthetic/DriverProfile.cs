namespace Telematics.Training.Synthetic;

/// <summary>Age band of a driver, a classical rating factor.</summary>
public enum AgeBand
{
    /// <summary>Under 25 years old.</summary>
    Under25 = 0,

    /// <summary>25 to 39 years old.</summary>
    From25To39 = 1,

    /// <summary>40 to 64 years old.</summary>
    From40To64 = 2,

    /// <summary>65 years old or more.</summary>
    Over65 = 3,
}

/// <summary>Class of the insured vehicle, a classical rating factor.</summary>
public enum VehicleClass
{
    /// <summary>Small car.</summary>
    Small = 0,

    /// <summary>Family car or estate.</summary>
    Family = 1,

    /// <summary>Sport utility vehicle.</summary>
    Suv = 2,

    /// <summary>High-performance car.</summary>
    Performance = 3,
}

/// <summary>
/// A driver's latent driving style: standardised scores (population mean 0, standard deviation about 1) that
/// drive both the simulated samples and the true claim frequency. Models never see these; they see only
/// features computed from the samples.
/// </summary>
/// <param name="Aggressiveness">Harsh braking, rapid acceleration and fast cornering.</param>
/// <param name="Distraction">Phone handling while driving.</param>
/// <param name="Speeding">Speed chosen relative to posted limits.</param>
/// <param name="NightPreference">Share of driving at night and late at night.</param>
public readonly record struct DrivingStyle(double Aggressiveness, double Distraction, double Speeding, double NightPreference);

/// <summary>One synthetic driver: classical factors, latent style, the true claim frequency and the drawn claims.</summary>
/// <param name="DriverId">Stable identifier, <c>D</c> followed by six digits.</param>
/// <param name="AgeBand">Age band.</param>
/// <param name="Region">Region: <c>urban</c>, <c>suburban</c> or <c>rural</c>.</param>
/// <param name="VehicleClass">Vehicle class.</param>
/// <param name="AnnualMileageKm">Expected kilometres per year.</param>
/// <param name="Style">Latent driving style.</param>
/// <param name="TrueAnnualClaimFrequency">The true Poisson claim frequency λ per year of exposure.</param>
/// <param name="ExposureYears">Years over which claims were observed.</param>
/// <param name="ClaimCount">Claims drawn from Poisson(λ × exposure).</param>
public sealed record DriverProfile(
    string DriverId,
    AgeBand AgeBand,
    string Region,
    VehicleClass VehicleClass,
    double AnnualMileageKm,
    DrivingStyle Style,
    double TrueAnnualClaimFrequency,
    double ExposureYears,
    int ClaimCount)
{
    /// <summary>Days the driver's telematics are observed (simulated) over, from the population's start date.</summary>
    public int ObservedDays { get; init; } = 14;
}
