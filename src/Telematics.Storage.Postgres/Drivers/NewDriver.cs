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
}
