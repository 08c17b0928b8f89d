using Microsoft.Extensions.Logging;

namespace Telematics.Streaming.Nats.Ingest;

// Driver ids and batch ids only: a batch's samples hold positions and never reach a log.
internal static partial class IngestWorkerLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Ingest worker {Worker} pulls {Partitions} partitions of {Stream}")]
    public static partial void Started(ILogger logger, string worker, int partitions, string stream);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Batch {BatchId} of driver {DriverId} stored on partition {Partition}: {Stored} new events, {Trips} trips")]
    public static partial void Stored(ILogger logger, Guid batchId, long driverId, int partition, long stored, int trips);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Batch {BatchId} of driver {DriverId} was already stored (redelivered); acknowledged without storing")]
    public static partial void AlreadyStored(ILogger logger, Guid batchId, long driverId);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Batch at sequence {Sequence} of partition {Partition} failed to store (delivery {Delivery} of {MaxDeliveries}); retried in {DelayS} s")]
    public static partial void Retrying(ILogger logger, Exception exception, ulong sequence, int partition, ulong delivery, int maxDeliveries, double delayS);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Warning, Message = "Batch at sequence {Sequence} of partition {Partition} waits for the database (attempt {Attempt}); stored again in {DelayS} s")]
    public static partial void WaitingForStore(ILogger logger, Exception exception, ulong sequence, int partition, int attempt, double delayS);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Warning, Message = "Batch at sequence {Sequence} of partition {Partition} failed {Attempts} times with a statement timeout, deadlock or lock timeout while the database is up; handed back as a refused batch")]
    public static partial void StatementFailed(ILogger logger, Exception exception, ulong sequence, int partition, int attempts);

    [LoggerMessage(EventId = 3114, Level = LogLevel.Warning, Message = "Whether driver {DriverId} was erased could not be asked; the batch is {Then}")]
    public static partial void ErasureUnknown(ILogger logger, Exception exception, long driverId, string then);

    [LoggerMessage(EventId = 3113, Level = LogLevel.Warning, Message = "Batch {BatchId} of driver {DriverId} is stored, but its ack could not be sent; it is delivered again and found stored")]
    public static partial void AckFailed(ILogger logger, Exception exception, Guid batchId, long driverId);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Error, Message = "Batch at sequence {Sequence} of partition {Partition} dead-lettered: {Reason}")]
    public static partial void DeadLettered(ILogger logger, ulong sequence, int partition, string reason);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Ingest worker {Worker} lost partition {Partition}'s consumer; pulling again in 1 s")]
    public static partial void PullFailed(ILogger logger, Exception exception, string worker, int partition);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Error, Message = "Ingest worker {Worker} failed on partition {Partition}; pulling it again in 1 s")]
    public static partial void PartitionFailed(ILogger logger, Exception exception, string worker, int partition);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "Ingest worker {Worker} found no stream {Stream} for partition {Partition}; creating it again")]
    public static partial void StreamMissing(ILogger logger, string worker, string stream, int partition);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Warning, Message = "Ingest worker {Worker} could not delete the settled batch at sequence {Sequence} of partition {Partition} from the event stream; it stays until the stream's max age")]
    public static partial void DeleteFailed(ILogger logger, Exception exception, string worker, ulong sequence, int partition);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "Batch {BatchId} of driver {DriverId} is stored, but an observer of stored batches failed")]
    public static partial void ObserverFailed(ILogger logger, Exception exception, Guid batchId, long driverId);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Information, Message = "Batch {BatchId} of driver {DriverId} on partition {Partition} was dropped: the driver was erased")]
    public static partial void ErasedDropped(ILogger logger, Guid batchId, long driverId, int partition);

    [LoggerMessage(EventId = 3115, Level = LogLevel.Warning, Message = "Batch at sequence {Sequence} of partition {Partition} was not stored by this worker's database for {Seconds} s; handed to another worker")]
    public static partial void HandedOver(ILogger logger, Exception error, ulong sequence, int partition, double seconds);

    [LoggerMessage(EventId = 3116, Level = LogLevel.Warning, Message = "The hand-over of the batch at sequence {Sequence} of partition {Partition} could not be recorded; should it be refused later, the delivery counts against it")]
    public static partial void HandOverNotRecorded(ILogger logger, Exception error, ulong sequence, int partition);
}
