namespace Telematics.Scoring.Pricing;

/// <summary>
/// The wire codes of the classical rating factors a plan's <c>classical_relativities</c>, a driver's record
/// (<c>drivers.age_band</c>, <c>drivers.vehicle_class</c>) and the training report share: lower case, digits and
/// <c>_</c>, stable across releases.
/// </summary>
/// <remarks>The same codes as the training code's classical factors (Telematics.Training <c>ClassicalFactors</c>). Thread-safe.</remarks>
public static class RatingFactorCodes
{
    /// <summary>Age band: under 25 years old.</summary>
    public const string Under25 = "under25";

    /// <summary>Age band: 25 to 39 years old.</summary>
    public const string From25To39 = "25_39";

    /// <summary>Age band: 40 to 64 years old.</summary>
    public const string From40To64 = "40_64";

    /// <summary>Age band: 65 years old or more.</summary>
    public const string Over65 = "over65";

    /// <summary>Vehicle class: small car.</summary>
    public const string Small = "small";

    /// <summary>Vehicle class: family car or estate.</summary>
    public const string Family = "family";

    /// <summary>Vehicle class: sport utility vehicle.</summary>
    public const string Suv = "suv";

    /// <summary>Vehicle class: high-performance car.</summary>
    public const string Performance = "performance";

    /// <summary>Every age band code, youngest first.</summary>
    public static IReadOnlyList<string> AgeBands { get; } = [Under25, From25To39, From40To64, Over65];

    /// <summary>Every vehicle class code.</summary>
    public static IReadOnlyList<string> VehicleClasses { get; } = [Small, Family, Suv, Performance];

    /// <summary>Whether <paramref name="code"/> is an age band code (compared exactly: codes are lower case).</summary>
    /// <param name="code">The code.</param>
    public static bool IsAgeBand(string? code) => code is not null && AgeBands.Contains(code, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="code"/> is a vehicle class code (compared exactly: codes are lower case).</summary>
    /// <param name="code">The code.</param>
    public static bool IsVehicleClass(string? code) => code is not null && VehicleClasses.Contains(code, StringComparer.Ordinal);
}
