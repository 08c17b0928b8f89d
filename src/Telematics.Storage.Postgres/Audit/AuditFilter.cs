namespace Telematics.Storage.Postgres.Audit;

/// <summary>Which audit rows <see cref="AuditReader.ReadAfterAsync"/> and <see cref="AuditReader.ReadPageAsync"/> return; every set condition must hold.</summary>
/// <param name="Action">Exact action, e.g. <c>driver.create</c>; <see langword="null"/> for any.</param>
/// <param name="Resource">Exact resource, e.g. <c>driver/12</c>; <see langword="null"/> for any.</param>
/// <param name="Actor">Exact actor, e.g. <c>api:alice</c>; <see langword="null"/> for any.</param>
/// <param name="From">Rows that occurred at or after this instant; <see langword="null"/> for no lower bound.</param>
/// <param name="To">Rows that occurred before this instant; <see langword="null"/> for no upper bound.</param>
public sealed record AuditFilter(string? Action = null, string? Resource = null, string? Actor = null, DateTimeOffset? From = null, DateTimeOffset? To = null);
