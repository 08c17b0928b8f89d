using Telematics.Scoring.Pricing;
using Telematics.Service.Storage;

namespace Telematics.Storage.Postgres.Drivers;

/// <summary>What <see cref="DriverRepository.CreateAsync(NewDriver, AuditActor, CancellationToken)"/> stores for a new driver.</summary>
/// <param name="ExternalRef">The insurer's reference, unique, 1–200 characters.</param>
/// <param name="DisplayName">Display name, 1–200 characters.</param>
public sealed record NewDriver(string ExternalRef, string DisplayName)
{
    /// <summary>The pricing region, a plan region code such as <c>FR-75</c> (<see cref="DriverFields.IsRegion"/>).</summary>
    /// <value><see langword="null"/> (the default): the plan's default base rate.</value>
    public string? Region { get; init; }

    /// <summary>The driver's IANA time zone id, such as <c>Europe/Berlin</c> (<see cref="DriverFields.TryFindTimeZone"/>).</summary>
    /// <value><see langword="null"/> (the default): the host's default zone.</value>
    public string? TimeZone { get; init; }

    /// <summary>The age band code (<see cref="RatingFactorCodes.AgeBands"/>: <c>under25</c>, <c>25_39</c>, <c>40_64</c>, <c>over65</c>) for the plan's age relativity.</summary>
    /// <value><see langword="null"/> (the default): not on record, priced with factor 1.</value>
    public string? AgeBand { get; init; }

    /// <summary>The vehicle class code (<see cref="RatingFactorCodes.VehicleClasses"/>: <c>small</c>, <c>family</c>, <c>suv</c>, <c>performance</c>) for the plan's vehicle relativity.</summary>
    /// <value><see langword="null"/> (the default): not on record, priced with factor 1.</value>
    public string? VehicleClass { get; init; }
}
