namespace Telematics.Features.Schema;

/// <summary>
/// The SDK's own feature schema (<c>telematics</c> v1): every feature of a trip and of a driver's period, in
/// vector order. Names are constants so that code binds to them without string typos.
/// </summary>
/// <remarks>
/// A trip vector and a driver vector share the schema: for a single trip <see cref="TripCount"/> is 1.
/// Shares are fractions in [0, 1]; "of km" shares are distance-weighted, "of time" shares are time-weighted.
/// A feature that was not measured is NaN (missing), never 0: the speeding shares where no limit was known, the phone
/// features where phone use was not recorded, and every speed, behaviour and phone feature of a trip or period with no
/// time outside GPS gaps.
/// </remarks>
public static class TelematicsFeatures
{
    /// <summary>Schema name.</summary>
    public const string SchemaName = "telematics";

    /// <summary>Schema version.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Distance driven, km.</summary>
    public const string DistanceKm = "distance_km";
    /// <summary>Time driving (trip time), hours.</summary>
    public const string DrivingHours = "driving_hours";
    /// <summary>Number of trips.</summary>
    public const string TripCount = "trip_count";
    /// <summary>Mean trip length, km.</summary>
    public const string MeanTripKm = "mean_trip_km";

    /// <summary>Share of km driven 22:00–05:00 local time.</summary>
    public const string NightShare = "night_share";
    /// <summary>Share of km driven 00:00–04:00 local time.</summary>
    public const string LateNightShare = "late_night_share";
    /// <summary>Share of km driven on weekdays 07–09 and 16–19 local time.</summary>
    public const string RushHourShare = "rush_hour_share";
    /// <summary>Share of km driven on Saturday or Sunday, local time.</summary>
    public const string WeekendShare = "weekend_share";

    /// <summary>Mean moving speed, km/h.</summary>
    public const string MeanSpeedKmh = "mean_speed_kmh";
    /// <summary>95th percentile of moving speed, km/h.</summary>
    public const string P95SpeedKmh = "p95_speed_kmh";
    /// <summary>Share of time with a known limit spent over it by more than the tolerance.</summary>
    public const string SpeedingShare = "speeding_share";
    /// <summary>Share of time with a known limit spent over it by more than 30 km/h.</summary>
    public const string SevereSpeedingShare = "severe_speeding_share";
    /// <summary>Share of time without a known limit spent above 130 km/h.</summary>
    public const string VeryHighSpeedShare = "very_high_speed_share";

    /// <summary>Harsh braking events per 100 km.</summary>
    public const string HarshBrakingPer100Km = "harsh_braking_per_100km";
    /// <summary>Rapid acceleration events per 100 km.</summary>
    public const string RapidAccelerationPer100Km = "rapid_acceleration_per_100km";
    /// <summary>Harsh cornering events per 100 km.</summary>
    public const string HarshCorneringPer100Km = "harsh_cornering_per_100km";
    /// <summary>Mean absolute longitudinal jerk while moving, m/s³.</summary>
    public const string MeanAbsJerkMps3 = "mean_abs_jerk_mps3";
    /// <summary>95th percentile of absolute longitudinal jerk while moving, m/s³.</summary>
    public const string P95AbsJerkMps3 = "p95_abs_jerk_mps3";
    /// <summary>95th percentile of absolute lateral acceleration while moving, in g.</summary>
    public const string P95LateralG = "p95_lateral_g";

    /// <summary>Minutes of phone handling per hour of driving whose phone use was recorded; missing (NaN) when none was.</summary>
    public const string PhoneMinutesPerHour = "phone_minutes_per_hour";
    /// <summary>Share of moving time with the phone handled, of the time whose phone use was recorded; missing (NaN) when none was.</summary>
    public const string PhoneMovingShare = "phone_moving_share";

    /// <summary>Share of km on motorways.</summary>
    public const string MotorwayShare = "motorway_share";
    /// <summary>Share of km on trunk and primary roads.</summary>
    public const string PrimaryRoadShare = "primary_road_share";
    /// <summary>Share of km on secondary and tertiary roads.</summary>
    public const string SecondaryRoadShare = "secondary_road_share";
    /// <summary>Share of km on residential and service roads.</summary>
    public const string LocalRoadShare = "local_road_share";
    /// <summary>Share of km on roads of unknown class.</summary>
    public const string UnknownRoadShare = "unknown_road_share";
    /// <summary>Share of km inside configured high-risk areas, weighted by each area's weight.</summary>
    public const string HighRiskAreaShare = "high_risk_area_share";

    /// <summary>Share of trip time inside GPS gaps.</summary>
    public const string GpsGapShare = "gps_gap_share";
    /// <summary>Share of input records dropped by cleaning.</summary>
    public const string DroppedRecordShare = "dropped_record_share";

    /// <summary>The schema, in vector order.</summary>
    public static FeatureSchema Schema { get; } = new(SchemaName, SchemaVersion,
    [
        new(DistanceKm, "km", "Distance driven."),
        new(DrivingHours, "h", "Time spent driving."),
        new(TripCount, "count", "Number of trips."),
        new(MeanTripKm, "km", "Mean trip length."),
        new(NightShare, "share_km", "Share of km driven 22:00–05:00 local time."),
        new(LateNightShare, "share_km", "Share of km driven 00:00–04:00 local time."),
        new(RushHourShare, "share_km", "Share of km driven on weekdays 07–09 and 16–19 local time."),
        new(WeekendShare, "share_km", "Share of km driven on Saturday or Sunday."),
        new(MeanSpeedKmh, "km/h", "Mean speed while moving."),
        new(P95SpeedKmh, "km/h", "95th percentile of speed while moving."),
        new(SpeedingShare, "share_time", "Share of time with a known limit spent above it by more than the tolerance; missing (NaN) when no limit was known."),
        new(SevereSpeedingShare, "share_time", "Share of time with a known limit spent above it by more than 30 km/h; missing (NaN) when no limit was known."),
        new(VeryHighSpeedShare, "share_time", "Share of time without a known limit spent above 130 km/h."),
        new(HarshBrakingPer100Km, "per_100km", "Harsh braking events per 100 km."),
        new(RapidAccelerationPer100Km, "per_100km", "Rapid acceleration events per 100 km."),
        new(HarshCorneringPer100Km, "per_100km", "Harsh cornering events per 100 km."),
        new(MeanAbsJerkMps3, "m/s3", "Mean absolute longitudinal jerk while moving."),
        new(P95AbsJerkMps3, "m/s3", "95th percentile of absolute longitudinal jerk while moving."),
        new(P95LateralG, "g", "95th percentile of absolute lateral acceleration while moving."),
        new(PhoneMinutesPerHour, "min/h", "Minutes of phone handling per hour of driving whose phone use was recorded; missing (NaN) when none was."),
        new(PhoneMovingShare, "share_time", "Share of moving time with the phone handled, of the time whose phone use was recorded; missing (NaN) when none was."),
        new(MotorwayShare, "share_km", "Share of km on motorways."),
        new(PrimaryRoadShare, "share_km", "Share of km on trunk and primary roads."),
        new(SecondaryRoadShare, "share_km", "Share of km on secondary and tertiary roads."),
        new(LocalRoadShare, "share_km", "Share of km on residential and service roads."),
        new(UnknownRoadShare, "share_km", "Share of km on roads of unknown class."),
        new(HighRiskAreaShare, "share_km", "Weighted share of km inside configured high-risk areas."),
        new(GpsGapShare, "share_time", "Share of trip time inside GPS gaps."),
        new(DroppedRecordShare, "share_records", "Share of input records dropped by cleaning."),
    ]);

    /// <summary>
    /// Whether a driver vector shows no driving at all: no value but 0 or missing (NaN), <see cref="TripCount"/> included,
    /// which is what an aggregate of no trips writes, or a features row left blank. Such a vector has nothing to score;
    /// scored anyway, its zeros read as the safest driver there is, and its blanks as the typical one. A what-if vector
    /// with habits but no totals (or no trip count) shows driving.
    /// </summary>
    /// <param name="vector">A vector in <see cref="Schema"/> order.</param>
    /// <exception cref="ArgumentException"><paramref name="vector"/> does not have the schema's length.</exception>
    public static bool ShowsNoDriving(ReadOnlySpan<float> vector)
    {
        if (vector.Length != Schema.Count)
        {
            throw new ArgumentException($"A {Schema} vector has {Schema.Count} values, not {vector.Length}.", nameof(vector));
        }

        // A missing trip count is no evidence of driving either: a row of nothing at all (trip count and distance blank
        // too) would otherwise be scored from imputed values as a typical driver.
        foreach (var value in vector)
        {
            if (value != 0 && !float.IsNaN(value))
            {
                return false;
            }
        }

        return true;
    }
}
