using Telematics.Features.Schema;

namespace Telematics.Features.Tests.Schema;

public sealed class TelematicsFeaturesV2Tests
{
    [Fact]
    public void Period_totals_become_rates_and_every_other_feature_is_copied()
    {
        var v1 = new float[TelematicsFeatures.Schema.Count];
        for (var i = 0; i < v1.Length; i++)
        {
            v1[i] = i + 0.5f;
        }

        v1[0] = 300;  // km in 30 days
        v1[1] = 6;    // hours
        v1[2] = 60;   // trips
        var v2 = new float[v1.Length];

        TelematicsFeaturesV2.FromV1(v1, 30, v2);

        Assert.Equal(300 * 365.25f / 30, v2[0], 3);
        Assert.Equal(6 * 7f / 30, v2[1], 5);
        Assert.Equal(60 * 7f / 30, v2[2], 5);
        Assert.Equal(v1[3..], v2[3..]);
    }

    [Fact]
    public void The_same_driving_over_longer_windows_gives_the_same_vector()
    {
        // Ten days of 40 km, 1 h and 3 trips a day, seen over 10, 30 and 90 days of the same habit.
        float[] Over(int days) => [40f * days, 1f * days, 3f * days, .. new float[TelematicsFeatures.Schema.Count - 3]];
        var week = new float[TelematicsFeatures.Schema.Count];
        var quarter = new float[TelematicsFeatures.Schema.Count];

        TelematicsFeaturesV2.FromV1(Over(7), 7, week);
        TelematicsFeaturesV2.FromV1(Over(90), 90, quarter);

        Assert.Equal(week[0], quarter[0], 2);
        Assert.Equal(week[1], quarter[1], 5);
        Assert.Equal(week[2], quarter[2], 5);
    }

    [Fact]
    public void Converts_in_place()
    {
        var vector = new float[TelematicsFeatures.Schema.Count];
        vector[0] = 70;
        vector[5] = 0.25f;

        TelematicsFeaturesV2.FromV1(vector, 7, vector);

        Assert.Equal(70 * 365.25f / 7, vector[0], 3);
        Assert.Equal(0.25f, vector[5]);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-3.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_window_that_is_not_a_positive_number_of_days_is_refused_by_name(double days)
    {
        var vector = new float[TelematicsFeatures.Schema.Count];

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TelematicsFeaturesV2.FromV1(vector, days, vector));

        Assert.Equal("observedDays", error.ParamName);
    }

    [Fact]
    public void Schema_keeps_v1_positions_from_the_fourth_feature_on()
    {
        var v1 = TelematicsFeatures.Schema.Features;
        var v2 = TelematicsFeaturesV2.Schema.Features;

        Assert.Equal("telematics@2", TelematicsFeaturesV2.Schema.ToString());
        Assert.Equal(v1.Length, v2.Length);
        Assert.Equal([TelematicsFeaturesV2.AnnualKm, TelematicsFeaturesV2.DrivingHoursPerWeek, TelematicsFeaturesV2.TripsPerWeek], [v2[0].Name, v2[1].Name, v2[2].Name]);
        for (var i = 3; i < v1.Length; i++)
        {
            Assert.Equal(v1[i], v2[i]);
        }
    }
}
