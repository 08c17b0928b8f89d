using System.Text.Json;

namespace Telematics.Dashboard.Api;

// The JSON the dashboard reads from /api/v1, as records (camelCase on the wire). Only the fields the views show are
// declared; the API reference (/scalar/v1) documents every field.

/// <summary><c>GET /auth/me</c>.</summary>
public sealed record CurrentUser(string Subject, string Role, IReadOnlyList<string> Permissions, string? DriverId)
{
    /// <summary>Whether the role holds <paramref name="permission"/> (wire name, e.g. <c>dashboard:read</c>).</summary>
    public bool Has(string permission) => Permissions.Contains(permission, StringComparer.Ordinal);

    /// <summary>The numeric driver id of a driver token, or null.</summary>
    public long? OwnDriverId => long.TryParse(DriverId, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;
}

/// <summary><c>POST /auth/token</c>.</summary>
public sealed record IssuedToken(string AccessToken, DateTimeOffset ExpiresAt);

/// <summary><c>GET /admin/dashboard/summary</c>.</summary>
public sealed record BookSummary(DateOnly From, DateOnly To, long Drivers, long Trips, double DistanceKm, long ScoredDrivers, double? MeanScore, IReadOnlyList<PremiumTotal> Premiums);

/// <summary>Premiums of one currency.</summary>
public sealed record PremiumTotal(string Currency, long Drivers, decimal Total);

/// <summary><c>GET /admin/dashboard/risk-distribution</c>.</summary>
public sealed record RiskDistribution(DateOnly From, DateOnly To, long ScoredDrivers, IReadOnlyList<HistogramBucket> Histogram, CategoryCounts Categories);

/// <summary>Scores in [From, To).</summary>
public sealed record HistogramBucket(int From, int To, long Drivers);

/// <summary>Drivers per risk category.</summary>
public sealed record CategoryCounts(long Excellent, long Good, long Average, long BelowAverage, long High);

/// <summary><c>GET /admin/dashboard/trip-activity</c>.</summary>
public sealed record TripActivity(DateOnly From, DateOnly To, IReadOnlyList<TripActivityDay> Days);

/// <summary>One UTC day.</summary>
public sealed record TripActivityDay(DateOnly Day, long Trips, double DistanceKm);

/// <summary>A registered driver; <paramref name="AgeBand"/> and <paramref name="VehicleClass"/> are the classical factors' codes, null when not on record.</summary>
public sealed record DriverItem(
    long DriverId, string ExternalRef, string DisplayName, DateTimeOffset CreatedAt, string? Region, string? TimeZone, string? AgeBand, string? VehicleClass);

/// <summary><c>GET /drivers/{id}/summary</c>.</summary>
public sealed record DriverSummary(DriverItem Driver, ScoreSummary? LatestScore, PremiumSummary? LatestPremium, PeriodTrips LastThirtyDays);

/// <summary>The latest score in short; <paramref name="Interval"/> is null when the model records no sampling noise.</summary>
public sealed record ScoreSummary(double Score, string Category, DateTimeOffset ScoredAt, string ModelName, string ModelVersion, ScoreInterval? Interval);

/// <summary>The latest premium in short.</summary>
public sealed record PremiumSummary(decimal FinalAmount, decimal BaseAmount, string Currency, DateTimeOffset EffectiveAt);

/// <summary>Trip totals of a period.</summary>
public sealed record PeriodTrips(DateTimeOffset From, DateTimeOffset To, long TripCount, double DistanceKm, double DrivingHours);

/// <summary>
/// A stored score; <paramref name="Interval"/> is null when the model records no sampling noise, <paramref name="ObservedDays"/>
/// (the days of the period the driver was observed, which pricing credits) for scores stored before it was kept.
/// </summary>
public sealed record RiskScore(
    long DriverId, long ScoreId, double Score, string Category, string Model, string ModelVersion, double? ReferenceScore, DateTimeOffset ScoredAt,
    DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, string Confidence, ScoreInterval? Interval, double? ObservedDays = null);

/// <summary>Where the long-run score lies at <paramref name="Level"/>; when not <paramref name="Settled"/> the category is provisional.</summary>
public sealed record ScoreInterval(double Low, double High, double Level, bool Settled, string LowCategory, string HighCategory);

/// <summary><c>GET /risk/{id}/breakdown</c>: the points of each factor sum to score − reference score.</summary>
public sealed record ScoreBreakdown(RiskScore Score, IReadOnlyList<ScoreFactor> Factors);

/// <summary>One factor of a score; <paramref name="Value"/> is null when the feature could not be measured (no speed limits, no phone data).</summary>
public sealed record ScoreFactor(string Feature, string Unit, string Description, double? Value, double Reference, double Points);

/// <summary><c>GET /risk/{id}/trend</c>.</summary>
public sealed record ScoreTrend(long DriverId, IReadOnlyList<TrendMonth> Months);

/// <summary>The mean score of one month.</summary>
public sealed record TrendMonth(DateTimeOffset Month, double MeanScore, int Count);

/// <summary><c>GET /risk/{id}/history</c>.</summary>
public sealed record ScorePage(int Page, int PageSize, IReadOnlyList<RiskScore> Items);

/// <summary><c>GET /risk/{id}/recommendations</c>.</summary>
public sealed record Recommendations(long DriverId, long ScoreId, IReadOnlyList<Recommendation> Items);

/// <summary>One tip.</summary>
public sealed record Recommendation(string Feature, string Kind, double Contribution, string Text);

/// <summary><c>GET /drivers/{id}/alerts</c>.</summary>
public sealed record AlertList(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<Alert> Alerts);

/// <summary>One alert.</summary>
public sealed record Alert(string Code, string Severity, string Message);

/// <summary><c>GET /drivers/{id}/trips</c>.</summary>
public sealed record TripPage(int Page, int PageSize, IReadOnlyList<Trip> Items);

/// <summary>A stored trip; <see cref="Features"/> (name → value, null when not measurable) only when read one by one.</summary>
public sealed record Trip(
    long TripId, DateTimeOffset StartedAt, DateTimeOffset EndedAt, double DistanceKm, double DurationMinutes, int SampleCount,
    int HarshBrakeCount, int RapidAccelerationCount, int HarshCorneringCount, IReadOnlyDictionary<string, float?>? Features = null);

/// <summary>A stored premium.</summary>
public sealed record Premium(long PremiumId, long? ScoreId, DateTimeOffset EffectiveAt, string Currency, decimal BaseAmount, decimal FinalAmount);

/// <summary><c>GET /pricing/{id}/breakdown</c>: the premium and the plan's steps (kept as JSON: each plan has its own).</summary>
public sealed record PremiumBreakdown(Premium Premium, JsonElement Breakdown);

/// <summary><c>GET /pricing/{id}/history</c>.</summary>
public sealed record PremiumPage(int Page, int PageSize, IReadOnlyList<Premium> Items);

/// <summary>
/// The body of <c>POST /pricing/{id}/simulate</c>: a score, annual km, age band, vehicle class or days of driving data (what
/// a relativity plan credits) to try instead of the stored ones (null keeps the driver's).
/// </summary>
public sealed record SimulationRequest(double? Score, double? AnnualKm, string? AgeBand, string? VehicleClass, double? ObservedDays = null);

/// <summary>The answer of <c>POST /pricing/{id}/simulate</c>.</summary>
public sealed record Simulation(double Score, string Category, double AnnualKm, decimal Premium, string Currency, decimal? CurrentPremium, JsonElement Breakdown);

/// <summary><c>GET /telematics/trips/{id}/path</c>: the path as [latitude, longitude] pairs and the harsh events.</summary>
public sealed record TripPathData(long TripId, IReadOnlyList<double[]> Points, IReadOnlyList<TripPathEvent> Events);

/// <summary>A harsh event where it peaked.</summary>
public sealed record TripPathEvent(string Kind, DateTimeOffset At, double Latitude, double Longitude, float PeakMps2);

/// <summary><c>GET /admin/dashboard/drivers</c>: a sorted page of the book and how many drivers match.</summary>
public sealed record BookDriverPage(int Page, int PageSize, long Total, IReadOnlyList<BookDriver> Items);

/// <summary>
/// A driver of the book with its latest score (and its interval, null without one), premium and trip, and its classical
/// cell (each code null when not on record).
/// </summary>
public sealed record BookDriver(
    long DriverId, string DisplayName, string ExternalRef, double? Score, string? Category, decimal? Premium, string? Currency, DateTimeOffset? LastTripAt,
    string? Region, string? AgeBand, string? VehicleClass, ScoreInterval? Interval);
