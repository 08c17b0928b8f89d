using Telematics.Features.Samples;
using Telematics.Training.Synthetic;

namespace Telematics.Training.Tests.Synthetic;

public sealed class TelematicsSimulatorTests
{
    private static readonly SyntheticPopulationOptions Options = new() { DriverCount = 40, PeriodDays = 7 };

    [Fact]
    public void A_driver_simulates_to_the_same_samples_whatever_the_chunk_size()
    {
        var driver = PopulationGenerator.CreateDriver(Options, 3);
        var simulator = new TelematicsSimulator(Options);

        var small = Collect(simulator, driver, 97);
        var large = Collect(simulator, driver, 65_536);

        Assert.True(small.Count > 1_000);
        Assert.Equal(small, large);
    }

    [Fact]
    public void Samples_are_time_ordered_plausible_and_trips_are_separated_by_parking()
    {
        var simulator = new TelematicsSimulator(Options);
        var gapsOverTenMinutes = 0;
        foreach (var driver in PopulationGenerator.CreateDrivers(Options).Take(10))
        {
            var samples = Collect(simulator, driver, 4096);
            for (var i = 1; i < samples.Count; i++)
            {
                var dt = samples[i].TimestampUnixMs - samples[i - 1].TimestampUnixMs;
                Assert.True(dt >= 1000, $"{driver.DriverId}: samples {i - 1} and {i} are {dt} ms apart");
                if (dt >= 600_000)
                {
                    gapsOverTenMinutes++;
                }
            }

            foreach (var s in samples)
            {
                Assert.InRange(s.SpeedMps, 0f, 75f);
                Assert.InRange(s.LatitudeDeg, 40.0, 44.0);
                Assert.True(s.RoadClass != RoadClass.Unknown);
                Assert.True(float.IsNaN(s.SpeedLimitMps) || s.SpeedLimitMps is > 10f and < 32f);
            }
        }

        Assert.True(gapsOverTenMinutes > 20, $"only {gapsOverTenMinutes} parking gaps in 10 driver-weeks");
    }

    [Fact]
    public void Hard_braking_rate_is_near_the_published_US_average_and_rises_with_aggressiveness()
    {
        // A high-mileage fortnight (about 3,000 km) so that each rate rests on tens of events.
        var options = new SyntheticPopulationOptions { DriverCount = 1, PeriodDays = 14 };
        var simulator = new TelematicsSimulator(options);
        var driver = PopulationGenerator.CreateDriver(options, 0) with { AnnualMileageKm = 80_000 };
        var calm = Rate(simulator, driver with { Style = new DrivingStyle(-1, 0, 0, 0) });
        var average = Rate(simulator, driver with { Style = new DrivingStyle(0, 0, 0, 0) });
        var aggressive = Rate(simulator, driver with { Style = new DrivingStyle(1.5, 0, 0, 0) });

        // About 19 per 1,000 miles on average (over a population whose style factor has mean 1.5); the
        // average-style driver sits below that, the aggressive one well above.
        Assert.InRange(average, 5, 30);
        Console.WriteLine($"hard brakes per 1,000 miles: calm {calm:F1}, average {average:F1}, aggressive {aggressive:F1}");
        Assert.True(calm < average && average < aggressive, $"calm {calm:F1}, average {average:F1}, aggressive {aggressive:F1} per 1,000 miles");
    }

    [Fact]
    public void Phone_handling_rises_with_distraction()
    {
        var simulator = new TelematicsSimulator(Options);
        var focused = PhoneShare(simulator, PopulationGenerator.CreateDriver(Options, 1) with { Style = new DrivingStyle(0, -1.5, 0, 0) });
        var distracted = PhoneShare(simulator, PopulationGenerator.CreateDriver(Options, 1) with { Style = new DrivingStyle(0, 1.5, 0, 0) });

        Assert.True(distracted > 2 * focused, $"focused {focused:P2}, distracted {distracted:P2}");
    }

    private static List<TelematicsSample> Collect(TelematicsSimulator simulator, DriverProfile driver, int chunk)
    {
        var samples = new List<TelematicsSample>();
        foreach (var buffer in simulator.Simulate(driver, new SampleBuffer(chunk)))
        {
            for (var i = 0; i < buffer.Count; i++)
            {
                samples.Add(buffer[i]);
            }
        }

        return samples;
    }

    /// <summary>Episodes of longitudinal acceleration ≤ −3.4 m/s² per 1,000 miles of simulated driving.</summary>
    private static double Rate(TelematicsSimulator simulator, DriverProfile driver)
    {
        var samples = Collect(simulator, driver, 8192);
        double metres = 0;
        var episodes = 0;
        var inEpisode = false;
        for (var i = 0; i < samples.Count; i++)
        {
            metres += samples[i].SpeedMps;
            var harsh = samples[i].LongitudinalAccelMps2 <= -3.4f;
            if (harsh && !inEpisode)
            {
                episodes++;
            }

            inEpisode = harsh;
        }

        return episodes / (metres / 1_609_344.0);
    }

    private static double PhoneShare(TelematicsSimulator simulator, DriverProfile driver)
    {
        var samples = Collect(simulator, driver, 8192);
        return samples.Count(s => s.SpeedMps > 1 && s.Flags != SampleFlags.None) / (double)samples.Count(s => s.SpeedMps > 1);
    }
}
