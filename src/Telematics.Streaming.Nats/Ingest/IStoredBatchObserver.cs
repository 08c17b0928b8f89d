using Telematics.Service.Ingest;

namespace Telematics.Streaming.Nats.Ingest;

/// <summary>
/// Told of each batch an <see cref="IngestWorker"/> stored, after its commit and acknowledgement, so that a host running
/// the workers refreshes what it shows of the driver (cached reads, live clients) as the direct upload does. Register
/// any number in the service collection; <c>AddTelematicsIngestWorkers</c> hands them to its workers.
/// </summary>
public interface IStoredBatchObserver
{
    /// <summary>
    /// Called once per batch stored, and again for a redelivered batch found stored before (<see cref="EventStreamResult.AlreadyStored"/>,
    /// nothing stored by this call): the worker that stored it may have died, or lost its ack, before telling the observers.
    /// An observer must therefore be idempotent (dropping cached reads is).
    /// </summary>
    /// <param name="driverId">The batch's driver.</param>
    /// <param name="stored">What was stored.</param>
    /// <param name="cancellationToken">The worker's stopping token.</param>
    /// <returns>A task that completes when the observer is done; a failure is logged and changes nothing stored.</returns>
    Task BatchStoredAsync(long driverId, EventStreamResult stored, CancellationToken cancellationToken);
}
