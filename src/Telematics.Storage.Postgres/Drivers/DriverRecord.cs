using Telematics.Scoring.Pricing;

namespace Telematics.Storage.Postgres.Drivers;

/// <summary>A driver as stored in <c>drivers</c>.</summary>
/// <param name="DriverId">Database identifier.</param>
/// <param name="ExternalRef">The insurer's own reference (policy or customer number), unique, 1–200 characters.</param>
/// <param name="DisplayName">Name shown to people, 1–200 characters.</param>
/// <param name="CreatedAt">When the row was created (UTC).</param>
/// <param name="UpdatedAt">When the row last changed (UTC).</param>
public sealed record DriverRecord(long DriverId, string ExternalRef, string DisplayName, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>The pricing region, a code of the pricing plan's base-rate table such as <c>FR-75</c> (see <see cref="DriverFields.IsRegion"/>).</summary>
    /// <value><see langword="null"/> (the default): the plan's default base rate.</value>
    public string? Region { get; init; }

    /// <summary>The driver's classical cell for pricing: region, age band and vehicle class.</summary>
    public RatingCell Cell => new(Region, AgeBand, VehicleClass);

    /// <summary>The driver's IANA time zone id, such as <c>Europe/Berlin</c>, for the local time-of-day features of their trips.</summary>
    /// <value><see langword="null"/> (the default): the host's default zone (ingest's configured default, UTC unless set).</value>
    public string? TimeZone { get; init; }

    /// <summary>The age band code (<see cref="RatingFactorCodes.AgeBands"/>: <c>under25</c>, <c>25_39</c>, <c>40_64</c>, <c>over65</c>) for the plan's age relativity.</summary>
    /// <value><see langword="null"/> (the default): not on record, priced with factor 1.</value>
    public string? AgeBand { get; init; }

    /// <summary>The vehicle class code (<see cref="RatingFactorCodes.VehicleClasses"/>: <c>small</c>, <c>family</c>, <c>suv</c>, <c>performance</c>) for the plan's vehicle relativity.</summary>
    /// <value><see langword="null"/> (the default): not on record, priced with factor 1.</value>
    public string? VehicleClass { get; init; }
}
