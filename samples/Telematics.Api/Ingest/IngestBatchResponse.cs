using Telematics.Storage.Postgres.Ingest;

namespace Telematics.Api.Ingest;

/// <summary>The answer of <c>GET /api/v1/telematics/batches/{batchId}</c>: a streamed batch that is stored.</summary>
/// <param name="BatchId">The batch.</param>
/// <param name="DriverId">The driver its events were stored for.</param>
/// <param name="Status">Always <c>stored</c> (a batch not stored yet is 404).</param>
/// <param name="StoredAt">When its upload was stored, UTC.</param>
internal sealed record IngestBatchResponse(Guid BatchId, long DriverId, string Status, DateTimeOffset StoredAt)
{
    public static IngestBatchResponse From(StoredBatch batch) => new(batch.BatchId, batch.DriverId, "stored", batch.StoredAt);
}
