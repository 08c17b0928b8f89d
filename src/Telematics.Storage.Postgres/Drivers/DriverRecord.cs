namespace Telematics.Storage.Postgres.Drivers;

/// <summary>A driver as stored in <c>drivers</c>.</summary>
/// <param name="DriverId">Database identifier.</param>
/// <param name="ExternalRef">The insurer's own reference (policy or customer number), unique, 1–200 characters.</param>
/// <param name="DisplayName">Name shown to people, 1–200 characters.</param>
/// <param name="CreatedAt">When the row was created (UTC).</param>
/// <param name="UpdatedAt">When the row last changed (UTC).</param>
public sealed record DriverRecord(long DriverId, string ExternalRef, string DisplayName, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
