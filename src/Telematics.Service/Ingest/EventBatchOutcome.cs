namespace Telematics.Service.Ingest;

/// <summary>What became of one batch of <see cref="EventStreamIngestor.StoreBatchesAsync"/>: stored (or found stored), or failed.</summary>
/// <param name="Result">What was stored; meaningful when <see cref="Failure"/> is null.</param>
/// <param name="Failure">
/// Why the batch was not stored, as storing it alone would have thrown (e.g. the driver does not exist, the database is down);
/// null when it was stored.
/// </param>
public readonly record struct EventBatchOutcome(EventStreamResult Result, Exception? Failure)
{
    /// <summary>Whether the batch is stored now (by this call or, <see cref="EventStreamResult.AlreadyStored"/>, an earlier one).</summary>
    public bool Succeeded => Failure is null;
}
