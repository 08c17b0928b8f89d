using Telematics.Features.Extraction;
using Telematics.Service.Trips;
using Telematics.Features.Schema;
using Telematics.Storage.Postgres.Trips;

namespace Telematics.Api.Insights;

/// <summary>A trip as the API returns it.</summary>
/// <param name="TripId">The trip's id.</param>
/// <param name="DriverId">Its driver.</param>
/// <param name="StartedAt">First sample (UTC).</param>
/// <param name="EndedAt">Last sample (UTC).</param>
/// <param name="DistanceKm">Distance, km.</param>
/// <param name="DurationMinutes">From first to last sample, minutes.</param>
/// <param name="SampleCount">Samples in the trip.</param>
/// <param name="HarshBrakeCount">Harsh braking events.</param>
/// <param name="RapidAccelerationCount">Rapid acceleration events.</param>
/// <param name="HarshCorneringCount">Harsh cornering events.</param>
/// <param name="Features">The 29 named features (telematics@1), null for missing values; absent in lists.</param>
internal sealed record TripResponse(
    long TripId,
    long DriverId,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    double DistanceKm,
    double DurationMinutes,
    int SampleCount,
    int HarshBrakeCount,
    int RapidAccelerationCount,
    int HarshCorneringCount,
    IReadOnlyDictionary<string, float?>? Features)
{
    /// <summary>
    /// The trip's phone manoeuvres and phone-handling spans in time order (stored when its events were ingested with a
    /// phone recording; their braking, acceleration and turns are what the counts above hold where the phone covered
    /// the trip); empty for a trip without phone data; absent in lists.
    /// </summary>
    public IReadOnlyList<TripManoeuvreResponse>? Manoeuvres { get; init; }

    public static TripResponse From(StoredTrip trip) => new(
        trip.TripId,
        trip.DriverId,
        trip.StartedAt,
        trip.EndedAt,
        Math.Round(trip.DistanceKm, 3),
        Math.Round((trip.EndedAt - trip.StartedAt).TotalMinutes, 2),
        trip.SampleCount,
        trip.HarshBrakeCount,
        trip.RapidAccelerationCount,
        trip.HarshCorneringCount,
        trip.Features is null ? null : Named(trip.Features));

    /// <summary>Names a telematics@1 vector; NaN (missing) becomes null so that the JSON stays valid.</summary>
    public static Dictionary<string, float?> Named(ReadOnlySpan<float> values)
    {
        var schema = TelematicsFeatures.Schema;
        var named = new Dictionary<string, float?>(schema.Count, StringComparer.Ordinal);
        for (var i = 0; i < schema.Count && i < values.Length; i++)
        {
            named[schema.Features[i].Name] = float.IsFinite(values[i]) ? values[i] : null;
        }

        return named;
    }
}

/// <summary>One page of <c>GET /drivers/{driverId}/trips</c>.</summary>
/// <param name="Page">Page number from 1.</param>
/// <param name="PageSize">Most trips per page.</param>
/// <param name="From">Inclusive start of the period (trip start time).</param>
/// <param name="To">Exclusive end of the period.</param>
/// <param name="Items">Trips, newest first, without features.</param>
internal sealed record TripPage(int Page, int PageSize, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<TripResponse> Items);

/// <summary>Trip totals of a period, overall and by UTC month.</summary>
/// <param name="From">Inclusive start of the period.</param>
/// <param name="To">Exclusive end of the period.</param>
/// <param name="TripCount">Trips.</param>
/// <param name="DistanceKm">Distance, km.</param>
/// <param name="DrivingHours">Driving time, hours.</param>
/// <param name="Months">The same totals per month with trips, oldest first.</param>
internal sealed record TripSummaryResponse(DateTimeOffset From, DateTimeOffset To, long TripCount, double DistanceKm, double DrivingHours, IReadOnlyList<MonthTotals> Months)
{
    public static TripSummaryResponse Create(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<TripTotals> months)
    {
        long count = 0;
        double km = 0, hours = 0;
        var items = new MonthTotals[months.Count];
        for (var i = 0; i < months.Count; i++)
        {
            var m = months[i];
            count += m.TripCount;
            km += m.DistanceKm;
            hours += m.DrivingHours;
            items[i] = new MonthTotals(m.MonthStart.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), m.TripCount, Math.Round(m.DistanceKm, 2), Math.Round(m.DrivingHours, 2));
        }

        return new TripSummaryResponse(from, to, count, Math.Round(km, 2), Math.Round(hours, 2), items);
    }
}

/// <summary>Trip totals of one month.</summary>
/// <param name="Month">The UTC month, <c>yyyy-MM</c>.</param>
/// <param name="TripCount">Trips that started in it.</param>
/// <param name="DistanceKm">Distance, km.</param>
/// <param name="DrivingHours">Driving time, hours.</param>
internal sealed record MonthTotals(string Month, long TripCount, double DistanceKm, double DrivingHours);

/// <summary>A driver's features over a period beside the population's.</summary>
/// <param name="From">Inclusive start of the period.</param>
/// <param name="To">Exclusive end of the period.</param>
/// <param name="TripCount">The driver's trips in the period.</param>
/// <param name="Features">One entry per telematics@1 feature, in schema order.</param>
/// <param name="PopulationWithheld">
/// Why every <see cref="FeatureStatistic.PopulationValue"/> is null, or null when they are given: fewer than
/// <see cref="Endpoints.DriverInsightEndpoints.MinimumOtherDrivers"/> drivers besides this one drove in the period, so the
/// population's means would be those few drivers' own driving.
/// </param>
internal sealed record StatisticsResponse(DateTimeOffset From, DateTimeOffset To, long TripCount, IReadOnlyList<FeatureStatistic> Features, string? PopulationWithheld);

/// <summary>One feature of <see cref="StatisticsResponse"/>.</summary>
/// <param name="Name">Feature name.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Value">The driver's distance-weighted mean over the period's trips (null when no trip has a value).</param>
/// <param name="PopulationValue">The same over every driver's trips in the period: the reference value; null for the exposure totals and when <see cref="StatisticsResponse.PopulationWithheld"/>.</param>
internal sealed record FeatureStatistic(string Name, string Unit, float? Value, float? PopulationValue);

/// <summary>The answer of <c>GET /api/v1/telematics/trips/{tripId}/path</c>.</summary>
/// <param name="TripId">The trip.</param>
/// <param name="Points">The path as [latitude, longitude] pairs in time order, at most 600.</param>
/// <param name="Events">The harsh events at the samples where they peaked.</param>
internal sealed record TripPathResponse(long TripId, IReadOnlyList<double[]> Points, IReadOnlyList<TripPathEventResponse> Events)
{
    public static TripPathResponse From(long tripId, TripPath path)
    {
        var points = new double[path.Points.Count][];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = [path.Points[i].LatitudeDeg, path.Points[i].LongitudeDeg];
        }

        var events = new TripPathEventResponse[path.Events.Count];
        for (var i = 0; i < events.Length; i++)
        {
            var e = path.Events[i];
            events[i] = new TripPathEventResponse(KindName(e.Kind), DateTimeOffset.FromUnixTimeMilliseconds(e.AtUnixMs), e.LatitudeDeg, e.LongitudeDeg, e.PeakMps2);
        }

        return new TripPathResponse(tripId, points, events);
    }

    private static string KindName(HarshEventKind kind) => kind switch
    {
        HarshEventKind.Braking => "harsh_braking",
        HarshEventKind.Acceleration => "rapid_acceleration",
        _ => "harsh_cornering",
    };
}

/// <summary>One harsh event of a drawn trip.</summary>
/// <param name="Kind"><c>harsh_braking</c>, <c>rapid_acceleration</c> or <c>harsh_cornering</c>.</param>
/// <param name="At">When it peaked (UTC).</param>
/// <param name="Latitude">Where, degrees.</param>
/// <param name="Longitude">Where, degrees.</param>
/// <param name="PeakMps2">Its strongest acceleration, m/s² (negative for braking).</param>
internal sealed record TripPathEventResponse(string Kind, DateTimeOffset At, double Latitude, double Longitude, float PeakMps2);
