using Telematics.Features.Areas;
using Telematics.Features.Extraction;
using Telematics.Features.Samples;
using Telematics.Features.Schema;

namespace Telematics.Features.Tests.Extraction;

public sealed class TripFeatureAccumulatorTests
{
    internal static float[] ExtractFeatures(SampleBuffer trip, TimeZoneInfo? zone = null, FeatureExtractionOptions? options = null)
    {
        var vector = new float[TelematicsFeatures.Schema.Count];
        new TripFeatureAccumulator(zone ?? TestTracks.Berlin, options).Extract(new SampleSpan(trip), vector);
        return vector;
    }

    internal static float Get(float[] vector, string name) => vector[TelematicsFeatures.Schema.IndexOf(name)];

    [Fact]
    public void Exposure_of_a_ten_minute_drive_at_54_kmh()
    {
        var trip = TestTracks.Straight(TestTracks.MondayMorningUtc, 601, 15f);

        var f = ExtractFeatures(trip);

        Assert.Equal(9.0, Get(f, TelematicsFeatures.DistanceKm), 0.005);
        Assert.Equal(1 / 6.0, Get(f, TelematicsFeatures.DrivingHours), 1e-6);
        Assert.Equal(1f, Get(f, TelematicsFeatures.TripCount));
        Assert.Equal(9.0, Get(f, TelematicsFeatures.MeanTripKm), 0.005);
        Assert.Equal(54.0, Get(f, TelematicsFeatures.MeanSpeedKmh), 1e-3);
        Assert.Equal(54.0, Get(f, TelematicsFeatures.P95SpeedKmh), 0.5);
    }

    [Fact]
    public void One_sustained_hard_brake_is_one_event()
    {
        var trip = TestTracks.Straight(TestTracks.MondayMorningUtc, 601, 15f, adjust: (i, b) =>
        {
            if (i is >= 300 and < 303)
            {
                b.LongitudinalAccelMps2[i] = -4.5f;
            }
        });

        var f = ExtractFeatures(trip);

        // 1 event over 9 km.
        Assert.Equal(100.0 / 9.0, Get(f, TelematicsFeatures.HarshBrakingPer100Km), 0.01);
        Assert.Equal(0f, Get(f, TelematicsFeatures.RapidAccelerationPer100Km));
    }

    [Fact]
    public void Threshold_crossings_shorter_than_half_a_second_are_not_events()
    {
        // 10 Hz: 4 samples over the threshold last 0.4 s, 5 samples 0.5 s.
        static SampleBuffer TripWith(int overSamples) => TestTracks.Straight(TestTracks.MondayMorningUtc, 6001, 15f, stepMs: 100, adjust: (i, b) =>
        {
            if (i >= 3000 && i < 3000 + overSamples)
            {
                b.LongitudinalAccelMps2[i] = 4f;
            }
        });

        Assert.Equal(0f, Get(ExtractFeatures(TripWith(4)), TelematicsFeatures.RapidAccelerationPer100Km));
        Assert.True(Get(ExtractFeatures(TripWith(5)), TelematicsFeatures.RapidAccelerationPer100Km) > 0);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(4, 2)]
    public void Events_closer_than_three_seconds_merge(int secondsBetween, int expectedEvents)
    {
        var trip = TestTracks.Straight(TestTracks.MondayMorningUtc, 601, 15f, adjust: (i, b) =>
        {
            if (i == 300 || i == 300 + secondsBetween)
            {
                b.LateralAccelMps2[i] = i == 300 ? 4.2f : -4.2f;
            }
        });

        var f = ExtractFeatures(trip);

        Assert.Equal(expectedEvents * 100.0 / 9.0, Get(f, TelematicsFeatures.HarshCorneringPer100Km), 0.01);
    }

    [Theory]
    [InlineData(50f, 70f, 1f, 0f)] // 20 km/h over a 50 limit: speeding (tolerance 15)
    [InlineData(50f, 64f, 0f, 0f)] // 14 over: within tolerance
    [InlineData(50f, 81f, 1f, 1f)] // 31 over: severe
    [InlineData(100f, 118f, 0f, 0f)] // 18 over a 100 limit: tolerance there is 20
    [InlineData(100f, 121f, 1f, 0f)]
    [InlineData(85f, 101f, 1f, 0f)] // 85 is still the low-tolerance band
    public void Speeding_uses_the_tolerance_of_the_limit_band(float limitKmh, float speedKmh, float speeding, float severe)
    {
        var trip = TestTracks.Straight(TestTracks.MondayMorningUtc, 301, speedKmh / 3.6f, adjust: (i, b) => b.SpeedLimitMps[i] = limitKmh / 3.6f);

        var f = ExtractFeatures(trip);

        Assert.Equal(speeding, Get(f, TelematicsFeatures.SpeedingShare));
        Assert.Equal(severe, Get(f, TelematicsFeatures.SevereSpeedingShare));
        Assert.Equal(0f, Get(f, TelematicsFeatures.VeryHighSpeedShare));
    }

    [Fact]
    public void Very_high_speed_counts_only_where_no_limit_is_known()
    {
        // First half: 140 km/h with no limit; second half: 140 km/h with a 130 limit (10 over: within tolerance).
        var trip = TestTracks.Straight(TestTracks.MondayMorningUtc, 601, 140f / 3.6f, adjust: (i, b) =>
        {
            if (i > 300)
            {
                b.SpeedLimitMps[i] = 130f / 3.6f;
            }
        });

        var f = ExtractFeatures(trip);

        Assert.Equal(1f, Get(f, TelematicsFeatures.VeryHighSpeedShare));
        Assert.Equal(0f, Get(f, TelematicsFeatures.SpeedingShare));
    }

    [Fact]
    public void A_trip_with_no_known_limit_has_its_speeding_shares_missing_not_zero()
    {
        // 140 km/h throughout, no posted limit: how much of it is over a limit cannot be told, which is not "never speeds".
        var trip = TestTracks.Straight(TestTracks.MondayMorningUtc, 301, 140f / 3.6f);

        var f = ExtractFeatures(trip);

        Assert.True(float.IsNaN(Get(f, TelematicsFeatures.SpeedingShare)));
        Assert.True(float.IsNaN(Get(f, TelematicsFeatures.SevereSpeedingShare)));
        Assert.Equal(1f, Get(f, TelematicsFeatures.VeryHighSpeedShare));
    }

    [Fact]
    public void A_posted_limit_of_zero_is_no_limit_known()
    {
        // Loggers and map matchers write 0 for "no limit known"; no road is posted at 0, and reading it as one made every
        // moving second speeding (share 1).
        var trip = TestTracks.Straight(TestTracks.MondayMorningUtc, 301, 140f / 3.6f, adjust: (i, b) => b.SpeedLimitMps[i] = 0f);

        var f = ExtractFeatures(trip);

        Assert.True(float.IsNaN(Get(f, TelematicsFeatures.SpeedingShare)));
        Assert.True(float.IsNaN(Get(f, TelematicsFeatures.SevereSpeedingShare)));
        Assert.Equal(1f, Get(f, TelematicsFeatures.VeryHighSpeedShare));
    }

    [Fact]
    public void Phone_handling_is_measured_in_minutes_per_hour_and_share_of_moving_time()
    {
        // 10 minutes, phone handled for 1 minute of it (60 intervals), half handheld, half tapping.
        var trip = TestTracks.Straight(TestTracks.MondayMorningUtc, 601, 15f, adjust: (i, b) =>
        {
            if (i is > 100 and <= 130)
            {
                b.Flags[i] = SampleFlags.PhoneHandheld;
            }
            else if (i is > 200 and <= 230)
            {
                b.Flags[i] = SampleFlags.PhoneInteraction;
            }
        });

        var f = ExtractFeatures(trip);

        Assert.Equal(6.0, Get(f, TelematicsFeatures.PhoneMinutesPerHour), 1e-4);
        Assert.Equal(0.1, Get(f, TelematicsFeatures.PhoneMovingShare), 1e-6);
    }

    [Fact]
    public void Road_class_shares_are_shares_of_km_and_add_up_to_one()
    {
        var trip = TestTracks.Straight(TestTracks.MondayMorningUtc, 401, 20f, adjust: (i, b) =>
            b.RoadClass[i] = i switch { <= 100 => RoadClass.Motorway, <= 200 => RoadClass.Trunk, <= 300 => RoadClass.Tertiary, _ => RoadClass.Service });

        var f = ExtractFeatures(trip);

        Assert.Equal(0.25, Get(f, TelematicsFeatures.MotorwayShare), 1e-4);
        Assert.Equal(0.25, Get(f, TelematicsFeatures.PrimaryRoadShare), 1e-4);
        Assert.Equal(0.25, Get(f, TelematicsFeatures.SecondaryRoadShare), 1e-4);
        Assert.Equal(0.25, Get(f, TelematicsFeatures.LocalRoadShare), 1e-4);
        Assert.Equal(0f, Get(f, TelematicsFeatures.UnknownRoadShare));
    }

    [Fact]
    public void High_risk_share_weights_the_km_driven_inside_areas()
    {
        // Eastwards along 52.52°N from 13.40°E: the polygon covers 13.45°E to 13.50°E, with weight 0.5.
        var trip = TestTracks.Straight(TestTracks.MondayMorningUtc, 1001, 13.54f);
        var areas = new HighRiskAreaMap(52.0, 13.0, 53.0, 14.0, cellSizeDeg: 0.001)
            .AddPolygon([52.50, 52.54, 52.54, 52.50], [13.45, 13.45, 13.50, 13.50], 0.5f);

        var f = ExtractFeatures(trip, options: new FeatureExtractionOptions { HighRiskAreas = areas });

        var totalDeg = trip.LongitudeDeg[trip.Count - 1] - trip.LongitudeDeg[0];
        Assert.Equal(0.5 * 0.05 / totalDeg, Get(f, TelematicsFeatures.HighRiskAreaShare), 0.01);
    }

    [Fact]
    public void Time_inside_gps_gaps_is_reported_and_left_out_of_moving_time()
    {
        // 300 s of 1 Hz fixes, one 60 s hole, then 240 s more: 600 s in all.
        var trip = TestTracks.Straight(TestTracks.MondayMorningUtc, 542, 15f, adjust: (i, b) =>
        {
            if (i > 300)
            {
                b.TimestampUnixMs[i] += 59_000;
            }
        });

        var f = ExtractFeatures(trip);

        Assert.Equal(0.1, Get(f, TelematicsFeatures.GpsGapShare), 1e-6);
        Assert.Equal(1 / 6.0, Get(f, TelematicsFeatures.DrivingHours), 1e-6);
    }

    [Fact]
    public void Jerk_and_lateral_g_quantiles_come_from_the_accelerations()
    {
        // Acceleration alternates 0 / 1 m/s² every second: |jerk| is 1 m/s³ throughout; lateral 0.5 m/s² ≈ 0.051 g.
        var trip = TestTracks.Straight(TestTracks.MondayMorningUtc, 601, 15f, adjust: (i, b) =>
        {
            b.LongitudinalAccelMps2[i] = i % 2;
            b.LateralAccelMps2[i] = 0.5f;
        });

        var f = ExtractFeatures(trip);

        Assert.Equal(1.0, Get(f, TelematicsFeatures.MeanAbsJerkMps3), 1e-6);
        Assert.Equal(1.0, Get(f, TelematicsFeatures.P95AbsJerkMps3), 0.025);
        Assert.Equal(0.5 / 9.80665, Get(f, TelematicsFeatures.P95LateralG), 0.0025);
    }

    [Fact]
    public void Dropped_records_give_the_dropped_share()
    {
        var accumulator = new TripFeatureAccumulator(TestTracks.Berlin);
        var vector = new float[TelematicsFeatures.Schema.Count];
        accumulator.Add(new SampleSpan(TestTracks.Straight(TestTracks.MondayMorningUtc, 90, 15f)));
        accumulator.AddDroppedRecords(10);

        accumulator.WriteFeatures(vector);

        Assert.Equal(0.1, Get(vector, TelematicsFeatures.DroppedRecordShare), 1e-6);
    }

    [Fact]
    public void A_destination_shorter_than_the_schema_is_refused()
    {
        var accumulator = new TripFeatureAccumulator(TestTracks.Berlin);

        var error = Assert.Throws<ArgumentException>(() => accumulator.WriteFeatures(new float[28]));

        Assert.Contains("29", error.Message, StringComparison.Ordinal);
    }
}
