namespace Telematics.Storage.Postgres.Ingest;

/// <summary>A streamed batch that an upload stored (a row of <c>ingest_batches</c>).</summary>
/// <param name="BatchId">The batch's id.</param>
/// <param name="DriverId">The driver its events were stored for.</param>
/// <param name="StoredAt">When its upload's transaction began, UTC (the commit followed within that transaction).</param>
public readonly record struct StoredBatch(Guid BatchId, long DriverId, DateTimeOffset StoredAt);
