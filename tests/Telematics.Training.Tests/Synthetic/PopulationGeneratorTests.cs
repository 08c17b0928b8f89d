using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Training.Synthetic;

namespace Telematics.Training.Tests.Synthetic;

public sealed class PopulationGeneratorTests
{
    [Fact]
    public void The_same_seed_gives_the_same_drivers_and_another_seed_does_not()
    {
        var a = PopulationGenerator.CreateDrivers(new SyntheticPopulationOptions { DriverCount = 50, Seed = 7 }).ToList();
        var b = PopulationGenerator.CreateDrivers(new SyntheticPopulationOptions { DriverCount = 50, Seed = 7 }).ToList();
        var c = PopulationGenerator.CreateDrivers(new SyntheticPopulationOptions { DriverCount = 50, Seed = 8 }).ToList();

        Assert.Equal(a, b);
        Assert.NotEqual(a.Select(d => d.AnnualMileageKm), c.Select(d => d.AnnualMileageKm));
    }

    [Fact]
    public void Mean_true_frequency_is_a_few_percent_and_claims_follow_it()
    {
        var drivers = PopulationGenerator.CreateDrivers(new SyntheticPopulationOptions { DriverCount = 20_000, ExposureYears = 1 }).ToList();

        var meanLambda = drivers.Average(d => d.TrueAnnualClaimFrequency);
        var meanClaims = drivers.Average(d => (double)d.ClaimCount);

        Assert.InRange(meanLambda, 0.04, 0.15);
        // Poisson: the standard error of the mean count over 20,000 drivers is about sqrt(λ/n) ≈ 0.002.
        Assert.InRange(meanClaims, meanLambda - 0.01, meanLambda + 0.01);
    }

    [Fact]
    public void Young_drivers_are_riskier_on_average_through_both_age_and_style()
    {
        var drivers = PopulationGenerator.CreateDrivers(new SyntheticPopulationOptions { DriverCount = 10_000 }).ToList();
        var young = drivers.Where(d => d.AgeBand == AgeBand.Under25).ToList();
        var middle = drivers.Where(d => d.AgeBand == AgeBand.From40To64).ToList();

        Assert.True(young.Average(d => d.Style.Aggressiveness) > middle.Average(d => d.Style.Aggressiveness) + 0.3);
        Assert.True(young.Average(d => d.TrueAnnualClaimFrequency) > 1.5 * middle.Average(d => d.TrueAnnualClaimFrequency));
    }

    [Property(MaxTest = 200)]
    public Property True_frequency_rises_with_every_behaviour_score(NormalFloat baseScore, PositiveInt bump, byte which)
    {
        var z = Math.Clamp(baseScore.Get, -3, 3);
        var delta = Math.Min(bump.Get, 100) / 50.0;
        var before = new DrivingStyle(z, z, z, z);
        var after = (which % 4) switch
        {
            0 => before with { Aggressiveness = z + delta },
            1 => before with { Distraction = z + delta },
            2 => before with { Speeding = z + delta },
            _ => before with { NightPreference = z + delta },
        };

        var low = ClaimFrequencyModel.TrueAnnualFrequency(AgeBand.From40To64, "suburban", VehicleClass.Family, 12_000, before);
        var high = ClaimFrequencyModel.TrueAnnualFrequency(AgeBand.From40To64, "suburban", VehicleClass.Family, 12_000, after);
        return (high > low).ToProperty();
    }

    [Fact]
    public void An_invalid_option_is_refused_with_its_name()
    {
        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(
            () => PopulationGenerator.CreateDrivers(new SyntheticPopulationOptions { DriverCount = 0 }).ToList());
        Assert.Contains("DriverCount", error.Message, StringComparison.Ordinal);

        var zone = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(
            () => new TelematicsSimulator(new SyntheticPopulationOptions { TimeZoneId = "Mars/Olympus_Mons" }));
        Assert.Contains("Mars/Olympus_Mons", zone.Message, StringComparison.Ordinal);
    }
}
