using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Telematics.Service.Events;

/// <summary>
/// Makes the <see cref="DomainEvent"/>s of the book's writes, with their data in the documented schema (snake_case, ids
/// as numbers, times as ISO 8601 UTC, amounts as JSON numbers). Ids are derived from what changed, so writing the same
/// change again yields the same id.
/// </summary>
public static class DomainEvents
{
    /// <summary>A driver was registered.</summary>
    /// <param name="driverId">The new driver.</param>
    /// <param name="cell">Their classical rating factors: region, age band and vehicle class, each null when not given.</param>
    /// <param name="at">When.</param>
    /// <returns>The event.</returns>
    public static DomainEvent DriverRegistered(long driverId, Telematics.Scoring.Pricing.RatingCell cell, DateTimeOffset at) =>
        Make(Id("driver", driverId, "registered"), DomainEventTypes.DriverRegistered, driverId, at, json =>
        {
            json.WriteNumber("driver_id", driverId);
            WriteNullable(json, "region", cell.Region);
            WriteNullable(json, "age_band", cell.AgeBand);
            WriteNullable(json, "vehicle_class", cell.VehicleClass);
        });

    /// <summary>An upload closed a trip.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="tripId">The stored trip.</param>
    /// <param name="startedAt">Its first event.</param>
    /// <param name="endedAt">Its last event.</param>
    /// <param name="distanceKm">Its distance.</param>
    /// <param name="replacesTripId">The stored trip it continued and replaced, or re-measured with a phone recording, if any (that id no longer exists).</param>
    /// <param name="at">When it was stored.</param>
    /// <returns>The event.</returns>
    public static DomainEvent TripCompleted(long driverId, long tripId, DateTimeOffset startedAt, DateTimeOffset endedAt, double distanceKm, long? replacesTripId, DateTimeOffset at) =>
        Make(Id("trip", tripId, "completed"), DomainEventTypes.TripCompleted, driverId, at, json =>
        {
            json.WriteNumber("driver_id", driverId);
            json.WriteNumber("trip_id", tripId);
            json.WriteString("started_at", startedAt.UtcDateTime);
            json.WriteString("ended_at", endedAt.UtcDateTime);
            json.WriteNumber("distance_km", Math.Round(distanceKm, 3));
            if (replacesTripId is { } replaced)
            {
                json.WriteNumber("replaces_trip_id", replaced);
            }
            else
            {
                json.WriteNull("replaces_trip_id");
            }
        });

    /// <summary>A risk score was calculated and stored.</summary>
    /// <param name="score">The stored score.</param>
    /// <returns>The event.</returns>
    public static DomainEvent RiskScoreCalculated(ScoreFacts score) =>
        Make(Id("score", score.ScoreId, null), DomainEventTypes.RiskScoreCalculated, score.DriverId, score.ScoredAt, json =>
        {
            json.WriteNumber("driver_id", score.DriverId);
            json.WriteNumber("score_id", score.ScoreId);
            json.WriteNumber("score", Math.Round(score.Score, 4));
            json.WriteString("category", score.Category);
            json.WriteString("model", score.Model);
            json.WriteString("model_version", score.ModelVersion);
            json.WriteString("period_start", score.PeriodStart.UtcDateTime);
            json.WriteString("period_end", score.PeriodEnd.UtcDateTime);
            // Added to v1 after its first events, as the interval below: consumers read an absent field as null.
            if (score.ObservedDays is { } days)
            {
                json.WriteNumber("observed_days", Math.Round(days, 4));
            }
            else
            {
                json.WriteNull("observed_days");
            }

            // Added to v1 after its first events: events stored before lack these three fields, so consumers read absent as null.
            if (score.Interval is { } interval)
            {
                json.WriteNumber("score_low", Math.Round(interval.Low, 4));
                json.WriteNumber("score_high", Math.Round(interval.High, 4));
                json.WriteBoolean("category_settled", interval.SettlesCategory);
            }
            else
            {
                json.WriteNull("score_low");
                json.WriteNull("score_high");
                json.WriteNull("category_settled");
            }
        });

    /// <summary>A premium was priced and stored.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="premiumId">The stored premium.</param>
    /// <param name="scoreId">The score it was priced from, if any.</param>
    /// <param name="amount">The final premium.</param>
    /// <param name="currency">ISO 4217 code.</param>
    /// <param name="effectiveAt">When it takes effect (and was stored).</param>
    /// <returns>The event.</returns>
    public static DomainEvent PremiumUpdated(long driverId, long premiumId, long? scoreId, decimal amount, string currency, DateTimeOffset effectiveAt) =>
        Make(Id("premium", premiumId, null), DomainEventTypes.PremiumUpdated, driverId, effectiveAt, json =>
        {
            json.WriteNumber("driver_id", driverId);
            json.WriteNumber("premium_id", premiumId);
            if (scoreId is { } id)
            {
                json.WriteNumber("score_id", id);
            }
            else
            {
                json.WriteNull("score_id");
            }

            json.WriteNumber("amount", amount);
            json.WriteString("currency", currency);
        });

    /// <summary>A new score fell in the high category.</summary>
    /// <param name="score">The stored score.</param>
    /// <returns>The event.</returns>
    public static DomainEvent HighRiskAlert(ScoreFacts score) =>
        Make(Id("score", score.ScoreId, "alert-high-risk"), DomainEventTypes.SafetyAlert, score.DriverId, score.ScoredAt, json =>
        {
            json.WriteNumber("driver_id", score.DriverId);
            json.WriteNumber("score_id", score.ScoreId);
            json.WriteString("kind", "high_risk");
            json.WriteString("message", "The new risk score is in the high category.");
        });

    /// <summary>A model version was promoted to an alias.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="alias">The alias moved.</param>
    /// <param name="version">The version it points at now.</param>
    /// <param name="previousVersion">The version it pointed at before, if any.</param>
    /// <param name="auditSequence">The promotion's audit row, which makes the id unique.</param>
    /// <param name="at">When.</param>
    /// <returns>The event.</returns>
    public static DomainEvent ModelPromoted(string model, string alias, string version, string? previousVersion, long auditSequence, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var data = Write(json =>
        {
            json.WriteString("model", model);
            json.WriteString("alias", alias);
            json.WriteString("version", version);
            WriteNullable(json, "previous_version", previousVersion);
        });
        return new DomainEvent(Id("model-promotion", auditSequence, null), DomainEventTypes.ModelPromoted, model, at, data);
    }

    private static DomainEvent Make(string id, string type, long driverId, DateTimeOffset at, Action<Utf8JsonWriter> write) =>
        new(id, type, driverId.ToString(CultureInfo.InvariantCulture), at, Write(write));

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }

        return buffer.WrittenMemory.ToArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static string Id(string what, long id, string? suffix) =>
        suffix is null
            ? string.Create(CultureInfo.InvariantCulture, $"{what}-{id}")
            : string.Create(CultureInfo.InvariantCulture, $"{what}-{id}-{suffix}");
}

/// <summary>What the score events say of a stored score.</summary>
/// <param name="DriverId">The driver.</param>
/// <param name="ScoreId">The stored score.</param>
/// <param name="Score">0–100.</param>
/// <param name="Category">The category's wire name (e.g. <c>below_average</c>).</param>
/// <param name="Model">The model's name.</param>
/// <param name="ModelVersion">Its version.</param>
/// <param name="PeriodStart">Inclusive start of the scored period.</param>
/// <param name="PeriodEnd">Exclusive end.</param>
/// <param name="ScoredAt">When it was scored.</param>
public readonly record struct ScoreFacts(
    long DriverId, long ScoreId, double Score, string Category, string Model, string ModelVersion, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, DateTimeOffset ScoredAt)
{
    /// <summary>The 90 % interval of the driver's long-run score (<see cref="Telematics.Scoring.Results.ScoreInterval"/>); null when the model records no sampling noise.</summary>
    public Telematics.Scoring.Results.ScoreInterval? Interval { get; init; }

    /// <summary>Days of the period the driver was observed, which pricing credits (<see cref="Scoring.StoredDriverScorer.ObservedDays"/>); null when unknown.</summary>
    public double? ObservedDays { get; init; }
}
