using Telematics.Features.Schema;
using Telematics.Storage.Postgres.Scoring;

using static Telematics.Storage.Postgres.Tests.Scoring.ScoringFixtures;

namespace Telematics.Storage.Postgres.Tests.Scoring;

public sealed class TripVectorCombinerTests
{
    private static float Feature(float[] vector, string name) => vector[TelematicsFeatures.Schema.IndexOf(name)];

    private static float[] Combine(params float[][] trips)
    {
        var driver = new float[TripVectorCombiner.Width];
        TripVectorCombiner.Combine(trips.SelectMany(t => t).ToArray(), driver);
        return driver;
    }

    [Fact]
    public void Shares_of_km_and_event_rates_are_distance_weighted_and_totals_add_up()
    {
        // 10 km with half at night and 10 harsh brakes per 100 km (one brake), then 30 km by day without any.
        var driver = Combine(TripVector(10, 0.25, 0.5, 10), TripVector(30, 0.5, 0, 0));

        Assert.Equal(40f, Feature(driver, TelematicsFeatures.DistanceKm));
        Assert.Equal(0.75f, Feature(driver, TelematicsFeatures.DrivingHours));
        Assert.Equal(2f, Feature(driver, TelematicsFeatures.TripCount));
        Assert.Equal(20f, Feature(driver, TelematicsFeatures.MeanTripKm));
        Assert.Equal(0.125f, Feature(driver, TelematicsFeatures.NightShare), 6);
        Assert.Equal(2.5f, Feature(driver, TelematicsFeatures.HarshBrakingPer100Km), 5);
        Assert.Equal(1f, Feature(driver, TelematicsFeatures.PrimaryRoadShare), 6);
    }

    [Fact]
    public void Mean_speed_is_total_km_over_total_moving_hours()
    {
        // 40 km/h for 10 km (0.25 h) and 60 km/h for 30 km (0.5 h): 40 km in 0.75 h.
        var driver = Combine(TripVector(10, 0.25, 0, 0), TripVector(30, 0.5, 0, 0));

        Assert.Equal(40 / 0.75f, Feature(driver, TelematicsFeatures.MeanSpeedKmh), 4);
    }

    [Fact]
    public void A_single_trip_combines_to_itself()
    {
        var trip = TripVector(12.5, 0.3, 0.2, 4);

        Assert.Equal(trip, Combine(trip));
    }

    [FsCheck.Xunit.Property]
    public bool The_order_of_the_trips_does_not_change_the_driver(FsCheck.PositiveInt a, FsCheck.PositiveInt b, FsCheck.PositiveInt c)
    {
        var x = TripVector(a.Get % 100 + 1, 0.5, 0.1, 1);
        var y = TripVector(b.Get % 100 + 1, 0.25, 0.3, 0);
        var z = TripVector(c.Get % 100 + 1, 1, 0, 3);
        var forward = Combine(x, y, z);
        var backward = Combine(z, y, x);
        return forward.Zip(backward).All(p => Math.Abs(p.First - p.Second) <= 1e-4 * Math.Max(1, Math.Abs(p.First)));
    }

    [Fact]
    public void Input_that_is_not_whole_vectors_is_refused()
    {
        var driver = new float[TripVectorCombiner.Width];

        Assert.Throws<ArgumentException>(() => TripVectorCombiner.Combine(new float[TripVectorCombiner.Width + 1], driver));
        Assert.Throws<ArgumentException>(() => TripVectorCombiner.Combine([], driver));
    }
}
