using System.Diagnostics.Metrics;

namespace Telematics.Streaming.Nats.Ingest;

/// <summary>
/// The ingest workers' instruments, meter <c>Telematics.Streaming</c>: batches by outcome (<c>stored</c>, <c>redelivered</c>
/// — already stored, <c>retried</c>, <c>dead_letter</c>, <c>erased</c> — dropped, its driver erased), events stored, the lag from publish to stored, the batches
/// stored per transaction, and store attempts failed by a statement timeout, deadlock or lock timeout.
/// </summary>
public static class StreamIngestMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Telematics.Streaming";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> Batches = Meter.CreateCounter<long>("telematics.stream.batches", "{batch}", "Batches handled by ingest workers, by outcome.");

    internal static readonly Counter<long> EventsStored = Meter.CreateCounter<long>("telematics.stream.events_stored", "{event}", "Events newly stored by ingest workers.");

    internal static readonly Histogram<double> Lag = Meter.CreateHistogram<double>(
        "telematics.stream.lag", "ms", "Time from a batch's publish (its envelope's clock) to its commit in storage.");

    internal static readonly Counter<long> StatementFailures = Meter.CreateCounter<long>(
        "telematics.stream.statement_failures", "{attempt}", "Store attempts that failed with a statement timeout, deadlock or lock timeout (see StreamIngestOptions.MaxStatementAttempts).");

    internal static readonly Histogram<int> BatchesPerCommit = Meter.CreateHistogram<int>(
        "telematics.stream.batches_per_commit", "{batch}", "Batches a worker stored in one transaction (see StreamIngestOptions.MaxBatchesPerCommit).");
}
