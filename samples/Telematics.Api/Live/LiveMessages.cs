using Telematics.Api.Endpoints;

namespace Telematics.Api.Live;

/// <summary>
/// What <c>/hubs/live</c> sends (DESIGN §6); each is the method name a client subscribes to with <c>connection.on(…)</c>,
/// with a camelCase JSON payload. Ids only and figures, never positions: a client reads details through the REST API.
/// </summary>
internal static class LiveMethods
{
    public const string TripCompleted = nameof(TripCompleted);
    public const string RiskScoreCalculated = nameof(RiskScoreCalculated);
    public const string PremiumUpdated = nameof(PremiumUpdated);
    public const string SafetyAlert = nameof(SafetyAlert);

    /// <summary>Messages were lost (see <see cref="LiveResync"/>): read everything shown again.</summary>
    public const string Resync = nameof(Resync);
}

/// <summary>Live messages were lost while this client stayed connected: what it shows may be stale.</summary>
/// <param name="At">When the host told it.</param>
internal sealed record ResyncMessage(DateTimeOffset At);

/// <summary>An upload closed (or continued) trips of a driver.</summary>
/// <param name="DriverId">The driver.</param>
/// <param name="TripsClosed">Trips the upload closed (a continued trip counts as closed again).</param>
/// <param name="TripsStored">Of those, trips newly stored.</param>
/// <param name="DistanceKm">Distance of the closed trips, km.</param>
/// <param name="ContinuedTripId">The stored trip the upload continued, if any (its row was replaced).</param>
/// <param name="At">When the upload was stored.</param>
internal sealed record TripCompletedMessage(long DriverId, int TripsClosed, int TripsStored, double DistanceKm, long? ContinuedTripId, DateTimeOffset At);

/// <summary>A risk score was calculated and stored for a driver.</summary>
/// <param name="DriverId">The driver.</param>
/// <param name="ScoreId">The stored score.</param>
/// <param name="Score">The score, 0–100.</param>
/// <param name="Category">Its category's wire name (e.g. <c>below_average</c>).</param>
/// <param name="Model">The model, <c>name@version</c>.</param>
/// <param name="ScoredAt">When it was scored.</param>
/// <param name="ScoreLow">Lower end of the 90 % interval of the long-run score; null when the model records no sampling noise.</param>
/// <param name="ScoreHigh">Upper end of that interval; null with <paramref name="ScoreLow"/>.</param>
/// <param name="CategorySettled">Whether the interval lies in one category (else the category is provisional); null without an interval.</param>
/// <param name="LowCategory">The category of <paramref name="ScoreLow"/>: the lowest the driver may settle in; null without an interval.</param>
/// <param name="HighCategory">The category of <paramref name="ScoreHigh"/>: the highest the driver may settle in; null without an interval.</param>
internal sealed record RiskScoreCalculatedMessage(
    long DriverId, long ScoreId, double Score, string Category, string Model, DateTimeOffset ScoredAt, double? ScoreLow, double? ScoreHigh, bool? CategorySettled,
    string? LowCategory, string? HighCategory)
{
    /// <summary>
    /// The message of a score with <paramref name="interval"/> as the score responses write it (null without one), so a
    /// live score names the same ends, settlement and categories as the response and a later read.
    /// </summary>
    public static RiskScoreCalculatedMessage Of(
        long driverId, long scoreId, double score, string category, string model, DateTimeOffset scoredAt, ScoreIntervalResponse? interval) =>
        new(driverId, scoreId, score, category, model, scoredAt, interval?.Low, interval?.High, interval?.Settled, interval?.LowCategory, interval?.HighCategory);
}

/// <summary>A premium was stored for a driver.</summary>
/// <param name="DriverId">The driver.</param>
/// <param name="PremiumId">The stored premium.</param>
/// <param name="ScoreId">The score it was priced from.</param>
/// <param name="Amount">The final premium.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="EffectiveAt">When it takes effect.</param>
internal sealed record PremiumUpdatedMessage(long DriverId, long PremiumId, long? ScoreId, decimal Amount, string Currency, DateTimeOffset EffectiveAt);

/// <summary>A new score crossed a safety threshold (e.g. the score fell into the high category).</summary>
/// <param name="DriverId">The driver.</param>
/// <param name="Kind">What was crossed, e.g. <c>high_risk</c>.</param>
/// <param name="Message">A sentence for people.</param>
internal sealed record SafetyAlertMessage(long DriverId, string Kind, string Message);
