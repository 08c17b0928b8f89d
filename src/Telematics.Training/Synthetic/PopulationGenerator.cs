using System.Globalization;

namespace Telematics.Training.Synthetic;

/// <summary>Draws the drivers of a synthetic population: classical factors, latent style, true λ and claims.</summary>
/// <remarks>Deterministic: driver <c>i</c> depends only on the seed and <c>i</c>, so populations of different sizes share their first drivers.</remarks>
public static class PopulationGenerator
{
    private static readonly double[] AgeWeights = [0.12, 0.33, 0.9, 1.0];          // cumulative: 12 %, 21 %, 57 %, 10 %
    private static readonly double[] RegionWeights = [0.35, 0.80, 1.0];            // urban 35 %, suburban 45 %, rural 20 %
    private static readonly double[] VehicleWeights = [0.30, 0.70, 0.95, 1.0];      // small, family, SUV, performance
    private static readonly string[] Regions = ["urban", "suburban", "rural"];

    /// <summary>Returns driver <paramref name="index"/> of the population.</summary>
    /// <param name="options">Population settings.</param>
    /// <param name="index">Zero-based driver index, below <see cref="SyntheticPopulationOptions.DriverCount"/>.</param>
    public static DriverProfile CreateDriver(SyntheticPopulationOptions options, int index)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var rng = Xoshiro256.ForStream(options.Seed, (ulong)index * 2);

        var age = (AgeBand)rng.Pick(AgeWeights);
        var region = Regions[rng.Pick(RegionWeights)];
        var vehicle = (VehicleClass)rng.Pick(VehicleWeights);

        // Young drivers are on average more aggressive and more often on the phone (the reason age predicts
        // claims); the rest of each style score is individual.
        var youth = age == AgeBand.Under25 ? 0.5 : age == AgeBand.From25To39 ? 0.15 : 0.0;
        var style = new DrivingStyle(
            Aggressiveness: youth + rng.Normal(),
            Distraction: youth + rng.Normal(),
            Speeding: (0.5 * youth) + (vehicle == VehicleClass.Performance ? 0.4 : 0.0) + rng.Normal(),
            NightPreference: youth + rng.Normal());

        // US average near 13,500 miles a year (FHWA); lognormal spread, rural drivers drive further.
        var medianKm = region == "rural" ? 17_000 : region == "urban" ? 11_000 : 14_000;
        var mileage = Math.Clamp(medianKm * Math.Exp(0.45 * rng.Normal()), 1_500, 80_000);

        var lambda = ClaimFrequencyModel.TrueAnnualFrequency(age, region, vehicle, mileage, style);
        // Varied windows and exposures are drawn only when asked for, so fixed-window populations keep every earlier draw.
        var exposure = options.MinExposureYears is { } minExposure ? minExposure + ((options.ExposureYears - minExposure) * rng.NextDouble()) : options.ExposureYears;
        var claims = rng.Poisson(lambda * exposure);
        var days = options.MinPeriodDays is { } minDays ? minDays + (int)((options.PeriodDays - minDays + 1) * rng.NextDouble()) : options.PeriodDays;
        return new DriverProfile(
            "D" + index.ToString("D6", CultureInfo.InvariantCulture), age, region, vehicle, mileage, style, lambda, exposure, claims)
        {
            ObservedDays = Math.Min(days, options.PeriodDays),
        };
    }

    /// <summary>Enumerates the drivers of the population in index order.</summary>
    public static IEnumerable<DriverProfile> CreateDrivers(SyntheticPopulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        for (var i = 0; i < options.DriverCount; i++)
        {
            yield return CreateDriver(options, i);
        }
    }
}
