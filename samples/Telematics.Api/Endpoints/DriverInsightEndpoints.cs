using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Telematics.Api.Authorization;
using Telematics.Api.Caching;
using Telematics.Api.Insights;
using Telematics.Api.Problems;
using Telematics.Api.Storage;
using Telematics.Features.Schema;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Premiums;
using Telematics.Storage.Postgres.Scores;
using Telematics.Storage.Postgres.Trips;

namespace Telematics.Api.Endpoints;

/// <summary>
/// Reads about one driver under <c>/drivers/{driverId}</c>: trips, trip totals, feature statistics, summary, alerts and
/// risk factors. All are driver-owned (a driver token reaches only its own id: 403 otherwise) and cached under
/// <see cref="CacheTags.Driver"/>, which every ingest and scoring write for that driver invalidates. Periods are
/// <see cref="DayPeriod"/>s on trip start: UTC days <c>from</c>–<c>to</c>, both included (ISO dates); default the last 30
/// days, at most 366, each day from 2000-01-01 to 2100-12-31. Responses carry the instants covered, <c>from</c> inclusive and <c>to</c> exclusive.
/// </summary>
internal static class DriverInsightEndpoints
{
    /// <summary>
    /// The fewest drivers besides the caller whose trips in a period let the statistics show the population's means (k = 10):
    /// with fewer, those means are a few identifiable drivers' own driving (for a day the caller did not drive, with one
    /// other driver, exactly that driver's), so they are withheld. Counted in the same statement as the means.
    /// </summary>
    internal const int MinimumOtherDrivers = 10;

    /// <summary>Maps the driver insight endpoints.</summary>
    public static RouteGroupBuilder MapDriverInsightEndpoints(this RouteGroupBuilder api)
    {
        var driver = api.MapGroup("/drivers/{driverId:long}").WithTags("Driver insights").RequireDatabase().RequireDriverOwner();

        driver.MapGet("/trips", ListTripsAsync)
            .RequirePermission(Permission.DriversRead)
            .ProducesValidationProblem()
            .WithName("ListDriverTrips")
            .WithSummary("List a driver's trips, newest first, a page at a time.")
            .WithDescription("Period: the UTC days from–to on trip start, both included (days 2000-01-01 to 2100-12-31; default the last 30 days, at most 366); page from 1, pageSize 1–500 (default 50). Features are left out; read one trip for them.");
        driver.MapGet("/trips/summary", TripSummaryAsync)
            .RequirePermission(Permission.DriversRead)
            .ProducesValidationProblem()
            .WithName("DriverTripSummary")
            .WithSummary("Trip count, distance and driving hours over a period, overall and by UTC month.");
        driver.MapGet("/statistics", StatisticsAsync)
            .RequirePermission(Permission.DriversRead)
            .ProducesValidationProblem()
            .WithName("DriverStatistics")
            .WithSummary("The driver's telematics@1 features over a period beside the population's.")
            .WithDescription("Each feature is the distance-weighted mean over the period's trips (exposure features distance_km, " +
                "driving_hours and trip_count are totals, mean_trip_km their ratio); populationValue is the same mean over every " +
                "driver's trips in the period (null for the exposure totals, which do not compare), withheld (null, with the reason in " +
                "populationWithheld) when fewer than 10 drivers besides this one drove in the period.");
        driver.MapGet("/summary", SummaryAsync)
            .RequirePermission(Permission.DriversRead)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("DriverSummary")
            .WithSummary("Profile, latest score, latest premium and trip totals of the last 30 days.");
        driver.MapGet("/alerts", AlertsAsync)
            .RequirePermission(Permission.DriversRead)
            .ProducesValidationProblem()
            .WithName("DriverAlerts")
            .WithSummary("Notable driving over a period: harsh events, phone use, speeding, late-night driving above documented thresholds.")
            .WithDescription("Rules and thresholds: samples/Telematics.Api/Insights/DriverAlertRules.cs (e.g. harsh braking ≥ 4 per 100 km, phone " +
                "handling ≥ 1 min per hour, speeding ≥ 5 % of time); critical at twice the threshold; no alert under 20 km in the period.");
        driver.MapGet("/risk-factors", RiskFactorsAsync)
            .RequirePermission(Permission.RiskRead)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("DriverRiskFactors")
            .WithSummary("The latest stored score's feature contributions, named and ordered by absolute size.")
            .WithDescription("404 when the driver has no stored score yet.");
        return driver;
    }

    private static async Task<Results<Ok<TripPage>, ValidationProblem>> ListTripsAsync(
        long driverId, TripReader trips, ApiCache cache, TimeProvider time, HttpContext http,
        DateOnly? from = null, DateOnly? to = null, int page = 1, int pageSize = 50)
    {
        var errors = new ValidationErrors();
        DayPeriod.TryCreate(from, to, time, errors, out var period);
        if (page < 1)
        {
            errors.Add("page", "page must be 1 or more.");
        }

        if (pageSize is < 1 or > TripReader.MaxPageSize)
        {
            errors.Add("pageSize", $"pageSize must be 1–{TripReader.MaxPageSize}.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var result = await cache.GetOrCreateAsync(
            Key("trips", driverId, period, page, pageSize),
            async ct =>
            {
                var items = await trips.ListAsync(driverId, period.Start, period.End, page, pageSize, ct);
                return new TripPage(page, pageSize, period.Start, period.End, items.Select(TripResponse.From).ToArray());
            },
            Tags(driverId),
            http.RequestAborted);
        return TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<TripSummaryResponse>, ValidationProblem>> TripSummaryAsync(
        long driverId, TripReader trips, ApiCache cache, TimeProvider time, HttpContext http, DateOnly? from = null, DateOnly? to = null)
    {
        var errors = new ValidationErrors();
        if (!DayPeriod.TryCreate(from, to, time, errors, out var period))
        {
            return errors.ToProblem();
        }

        var result = await cache.GetOrCreateAsync(
            Key("trip-summary", driverId, period),
            async ct => TripSummaryResponse.Create(period.Start, period.End, await trips.TotalsByMonthAsync(driverId, period.Start, period.End, ct)),
            Tags(driverId),
            http.RequestAborted);
        return TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<StatisticsResponse>, ValidationProblem>> StatisticsAsync(
        long driverId, TripReader trips, ApiCache cache, TimeProvider time, HttpContext http, DateOnly? from = null, DateOnly? to = null)
    {
        var errors = new ValidationErrors();
        if (!DayPeriod.TryCreate(from, to, time, errors, out var period))
        {
            return errors.ToProblem();
        }

        var population = await cache.GetOrCreateAsync(
            Key("population-features", 0, period),
            async ct =>
            {
                var (means, drivers) = await trips.PopulationFeatureMeansAsync(period.Start, period.End, ct);
                // NaN (no value) becomes null: the cache serializes entries as JSON, which has no NaN.
                return new PopulationMeans(Array.ConvertAll(means, Finite), drivers);
            },
            [CacheTags.Dashboards],
            http.RequestAborted);
        var result = await cache.GetOrCreateAsync(
            Key("statistics", driverId, period),
            async ct =>
            {
                var means = await trips.FeatureMeansAsync(driverId, period.Start, period.End, ct);
                var totals = TripSummaryResponse.Create(period.Start, period.End, await trips.TotalsByMonthAsync(driverId, period.Start, period.End, ct));
                // The population's drivers less this one when it drove: what is left is what the caller could not subtract.
                var others = population.Drivers - (totals.TripCount > 0 ? 1 : 0);
                var withheld = others < MinimumOtherDrivers
                    ? $"Fewer than {MinimumOtherDrivers} other drivers drove in the period: their means would be their own driving."
                    : null;
                var reference = withheld is null ? population.Means : new float?[population.Means.Length];
                return new StatisticsResponse(period.Start, period.End, totals.TripCount, Statistics(means, reference, totals), withheld);
            },
            // Dashboards too: another driver's trips change the population, and with it whether it may be shown.
            [CacheTags.Driver(driverId), CacheTags.Dashboards],
            http.RequestAborted);
        return TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<DriverSummaryResponse>, NotFound>> SummaryAsync(
        long driverId, DriverRepository drivers, ScoreRepository scores, PremiumRepository premiums, TripReader trips, ApiCache cache, TimeProvider time, HttpContext http)
    {
        var period = DayPeriod.Default(time);
        var result = await cache.GetOrCreateAsync(
            Key("summary", driverId, period),
            async ct =>
            {
                if (await drivers.GetAsync(driverId, ct) is not { } driver)
                {
                    return null;
                }

                var score = (await scores.HistoryAsync(driverId, 1, ct)).FirstOrDefault();
                var premium = (await premiums.HistoryAsync(driverId, 1, ct)).FirstOrDefault();
                var totals = TripSummaryResponse.Create(period.Start, period.End, await trips.TotalsByMonthAsync(driverId, period.Start, period.End, ct));
                return DriverSummaryResponse.From(DriverResponse.From(driver), score, premium, totals);
            },
            Tags(driverId),
            http.RequestAborted);
        return result is null ? TypedResults.NotFound() : TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<AlertsResponse>, ValidationProblem>> AlertsAsync(
        long driverId, TripReader trips, ApiCache cache, TimeProvider time, HttpContext http, DateOnly? from = null, DateOnly? to = null)
    {
        var errors = new ValidationErrors();
        if (!DayPeriod.TryCreate(from, to, time, errors, out var period))
        {
            return errors.ToProblem();
        }

        var result = await cache.GetOrCreateAsync(
            Key("alerts", driverId, period),
            async ct =>
            {
                var means = await trips.FeatureMeansAsync(driverId, period.Start, period.End, ct);
                var totals = TripSummaryResponse.Create(period.Start, period.End, await trips.TotalsByMonthAsync(driverId, period.Start, period.End, ct));
                return new AlertsResponse(period.Start, period.End, totals.DistanceKm, DriverAlertRules.Evaluate(means, totals.DistanceKm));
            },
            Tags(driverId),
            http.RequestAborted);
        return TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<RiskFactorsResponse>, ProblemHttpResult>> RiskFactorsAsync(
        long driverId, ScoreRepository scores, ApiCache cache, HttpContext http)
    {
        var result = await cache.GetOrCreateAsync(
            Key("risk-factors", driverId, null),
            async ct => (await scores.HistoryAsync(driverId, 1, ct)).FirstOrDefault() is { } score ? RiskFactorsResponse.From(score) : null,
            Tags(driverId),
            http.RequestAborted);
        return result is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No score yet.", detail: "The driver has no stored score; recalculate or batch-score first.")
            : TypedResults.Ok(result);
    }

    private static FeatureStatistic[] Statistics(float[] means, float?[] population, TripSummaryResponse totals)
    {
        var schema = TelematicsFeatures.Schema;
        var items = new FeatureStatistic[schema.Count];
        for (var i = 0; i < schema.Count; i++)
        {
            var definition = schema.Features[i];
            float? value = definition.Name switch
            {
                TelematicsFeatures.DistanceKm => (float)totals.DistanceKm,
                TelematicsFeatures.DrivingHours => (float)totals.DrivingHours,
                TelematicsFeatures.TripCount => totals.TripCount,
                TelematicsFeatures.MeanTripKm => totals.TripCount == 0 ? null : (float)(totals.DistanceKm / totals.TripCount),
                _ => Finite(means[i]),
            };
            var reference = definition.Name is TelematicsFeatures.DistanceKm or TelematicsFeatures.DrivingHours or TelematicsFeatures.TripCount
                ? null
                : population[i];
            items[i] = new FeatureStatistic(definition.Name, definition.Unit, value, reference);
        }

        return items;
    }

    private static float? Finite(float value) => float.IsFinite(value) ? value : null;

    // The population's means of a period (null where no value) and the distinct drivers they are of, as cached.
    internal sealed record PopulationMeans(float?[] Means, long Drivers);

    private static string[] Tags(long driverId) => [CacheTags.Driver(driverId)];

    // The period's days are part of the key, so a default period ("the last 30 days") moves on with the UTC day.
    private static string Key(string kind, long driverId, DayPeriod? period, int page = 0, int pageSize = 0) =>
        string.Create(CultureInfo.InvariantCulture, $"insights:{kind}:{driverId}:{period?.Key}:{page}:{pageSize}");
}
