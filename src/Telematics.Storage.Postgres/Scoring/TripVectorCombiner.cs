using Telematics.Features.Schema;

namespace Telematics.Storage.Postgres.Scoring;

/// <summary>
/// Combines stored trip vectors (<c>telematics</c> v1) into the driver's vector over the same trips.
/// </summary>
/// <remarks>
/// <para>
/// <c>DriverAggregate</c> combines trips exactly from their additive totals and histograms, but the
/// <c>trips</c> table keeps only each trip's 29 finished features, so the totals are rebuilt here from what a
/// vector still says. Exact (equal to <c>DriverAggregate</c> up to float rounding): distance, hours, trip count,
/// mean trip length, every share of km (distance-weighted), the per-100-km event rates (events = rate · km / 100),
/// phone minutes per hour and the GPS gap share (both per trip hour, so hours-weighted).
/// </para>
/// <para>
/// Approximations, because a vector keeps neither the denominators nor the histograms: mean speed is total km over
/// the summed moving hours estimated as km / mean speed per trip; the other shares of time (speeding, very high
/// speed, phone while moving), the mean |jerk|, the dropped-record share and the three 95th percentiles are
/// hours-weighted means of the trips' values.
/// </para>
/// <para>Pure and thread-safe; no allocation.</para>
/// </remarks>
internal static class TripVectorCombiner
{
    private static readonly int Km = Index(TelematicsFeatures.DistanceKm);
    private static readonly int Hours = Index(TelematicsFeatures.DrivingHours);
    private static readonly int Trips = Index(TelematicsFeatures.TripCount);
    private static readonly int MeanTrip = Index(TelematicsFeatures.MeanTripKm);
    private static readonly int MeanSpeed = Index(TelematicsFeatures.MeanSpeedKmh);

    // Distance-weighted: shares of km and events per 100 km.
    private static readonly int[] ByDistance =
    [
        Index(TelematicsFeatures.NightShare), Index(TelematicsFeatures.LateNightShare), Index(TelematicsFeatures.RushHourShare),
        Index(TelematicsFeatures.WeekendShare), Index(TelematicsFeatures.HarshBrakingPer100Km), Index(TelematicsFeatures.RapidAccelerationPer100Km),
        Index(TelematicsFeatures.HarshCorneringPer100Km), Index(TelematicsFeatures.MotorwayShare), Index(TelematicsFeatures.PrimaryRoadShare),
        Index(TelematicsFeatures.SecondaryRoadShare), Index(TelematicsFeatures.LocalRoadShare), Index(TelematicsFeatures.UnknownRoadShare),
        Index(TelematicsFeatures.HighRiskAreaShare),
    ];

    // Hours-weighted: exact for per-trip-hour figures, an approximation for the rest (see remarks).
    private static readonly int[] ByHours =
    [
        Index(TelematicsFeatures.P95SpeedKmh), Index(TelematicsFeatures.SpeedingShare), Index(TelematicsFeatures.SevereSpeedingShare),
        Index(TelematicsFeatures.VeryHighSpeedShare), Index(TelematicsFeatures.MeanAbsJerkMps3), Index(TelematicsFeatures.P95AbsJerkMps3),
        Index(TelematicsFeatures.P95LateralG), Index(TelematicsFeatures.PhoneMinutesPerHour), Index(TelematicsFeatures.PhoneMovingShare),
        Index(TelematicsFeatures.GpsGapShare), Index(TelematicsFeatures.DroppedRecordShare),
    ];

    /// <summary>Number of features in a vector.</summary>
    public static int Width => TelematicsFeatures.Schema.Count;

    /// <summary>Writes the driver vector of the trips in <paramref name="trips"/> (row-major, <see cref="Width"/> per trip) to <paramref name="destination"/>.</summary>
    /// <param name="trips">One or more trip vectors.</param>
    /// <param name="destination">At least <see cref="Width"/> values.</param>
    /// <exception cref="ArgumentException">The input is empty or not a whole number of vectors, or the destination is too short.</exception>
    public static void Combine(ReadOnlySpan<float> trips, Span<float> destination)
    {
        var width = Width;
        if (trips.Length == 0 || trips.Length % width != 0)
        {
            throw new ArgumentException($"Trip vectors come {width} values each; got {trips.Length} values.", nameof(trips));
        }

        if (destination.Length < width)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; a vector has {width}.", nameof(destination));
        }

        double km = 0, hours = 0, count = 0, movingHours = 0;
        Span<double> distanceSums = stackalloc double[ByDistance.Length];
        Span<double> hourSums = stackalloc double[ByHours.Length];
        distanceSums.Clear();
        hourSums.Clear();
        for (var offset = 0; offset < trips.Length; offset += width)
        {
            var trip = trips.Slice(offset, width);
            double tripKm = Finite(trip[Km]), tripHours = Finite(trip[Hours]), speed = Finite(trip[MeanSpeed]);
            km += tripKm;
            hours += tripHours;
            count += Finite(trip[Trips]);
            if (speed > 0)
            {
                movingHours += tripKm / speed;
            }

            for (var i = 0; i < ByDistance.Length; i++)
            {
                distanceSums[i] += Finite(trip[ByDistance[i]]) * tripKm;
            }

            for (var i = 0; i < ByHours.Length; i++)
            {
                hourSums[i] += Finite(trip[ByHours[i]]) * tripHours;
            }
        }

        destination[..width].Clear();
        destination[Km] = (float)km;
        destination[Hours] = (float)hours;
        destination[Trips] = (float)count;
        destination[MeanTrip] = (float)Ratio(km, count);
        destination[MeanSpeed] = (float)Ratio(km, movingHours);
        for (var i = 0; i < ByDistance.Length; i++)
        {
            destination[ByDistance[i]] = (float)Ratio(distanceSums[i], km);
        }

        for (var i = 0; i < ByHours.Length; i++)
        {
            destination[ByHours[i]] = (float)Ratio(hourSums[i], hours);
        }
    }

    // A stored NaN (never written by the pipeline, but possible in hand-made rows) counts as 0 rather than poisoning the driver.
    private static double Finite(float value) => float.IsFinite(value) ? value : 0;

    private static double Ratio(double numerator, double denominator) => denominator > 0 ? numerator / denominator : 0;

    private static int Index(string name) => TelematicsFeatures.Schema.IndexOf(name);
}
