namespace Telematics.Storage.Postgres.Ingest;

/// <summary>Outcome of one ingest batch.</summary>
/// <param name="Received">Samples in the batch.</param>
/// <param name="Stored">Samples newly stored; the rest were already there (same driver, event id and timestamp).</param>
public readonly record struct IngestResult(int Received, long Stored)
{
    /// <summary>Samples that were already stored and so were skipped.</summary>
    public long Duplicates => Received - Stored;
}
