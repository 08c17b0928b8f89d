using NATS.Client.Core;

namespace Telematics.Streaming.Nats.Ingest;

/// <content>
/// The event stream keeps the batches not yet settled: a batch stored and acknowledged, or dead-lettered, is deleted from
/// it by the worker that settled it.
/// </content>
/// <remarks>
/// Under the stream's limits retention every batch, stored or not, stayed for <see cref="StreamIngestOptions.MaxAge"/>:
/// days of raw positions for JetStream to keep and for an erasure to scan message by message. Work-queue retention would
/// drop acknowledged batches by itself, but JetStream cannot change a deployed stream's retention (every stream would have
/// to be drained and recreated). A purge of the partition's subject below the consumer's ack floor would cost one request
/// per partition rather than per batch, but tried on nats-server 2.9.10 it let the consumer hand out the partition's next
/// batch while the one before was still being retried: a driver's order broken. Deleting a message by its sequence leaves
/// the consumer's state alone (a pending one counts as terminated), so that is what is done, one request per batch.
/// </remarks>
public sealed partial class IngestWorker
{
    // Never throws: a batch that could not be deleted is stored already, and only stays on the stream until MaxAge (an
    // erasure's scan still finds it). Given PublishTimeout even when the worker stops, like an ack.
    private async Task DeleteSettledAsync(int partition, ulong sequence)
    {
        try
        {
            await SendWithinTimeoutAsync(async timeout => await DeleteFromStreamAsync(sequence, timeout).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (NatsException e)
        {
            IngestWorkerLog.DeleteFailed(_logger, e, Name, sequence, partition);
        }
    }
}
