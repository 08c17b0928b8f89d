using Telematics.Features.Ingest;

namespace Telematics.Api.Ingest;

/// <summary>The answer of <c>POST /api/v1/telematics/events</c> in the stream mode (202): the upload is in the event stream, not yet stored.</summary>
/// <param name="DriverId">The driver the events are for.</param>
/// <param name="BatchIds">The batches the upload was published as, in order (one per up to Nats:Ingest:MaxBatchSamples samples); the audit row of each stored batch names its id.</param>
/// <param name="Received">Valid records read from the body and published.</param>
/// <param name="Rejected">Bad records skipped (only with <c>onError=skip</c>).</param>
/// <param name="RejectedRecords">The first rejected records with the reason, at most the configured number.</param>
/// <param name="Status">Always <c>accepted</c>: replicated in the stream, stored by an ingest worker shortly (duplicates are counted then, not here).</param>
/// <param name="Warnings">Values read as missing rather than refused (a road class the mapping does not know), each once with its first record and count, the first 100 distinct ones.</param>
/// <param name="WarningCount">Records read with such a value, all of them.</param>
internal sealed record StreamIngestResponse(
    long DriverId,
    IReadOnlyList<Guid> BatchIds,
    long Received,
    long Rejected,
    IReadOnlyList<RejectedRecord> RejectedRecords,
    string Status,
    IReadOnlyList<ReadWarning> Warnings,
    long WarningCount)
{
    public static StreamIngestResponse From(long driverId, IReadOnlyList<Guid> batchIds, long received, IngestReport report) => new(
        driverId, batchIds, received, report.RejectedCount, report.Errors.Select(RejectedRecord.From).ToArray(), "accepted", report.Warnings.Select(ReadWarning.From).ToArray(), report.WarningCount);
}
