namespace Telematics.Streaming.Nats.Ingest;

/// <summary>JetStream's acknowledgement of a published batch: it is stored (replicated to a quorum) and will be ingested.</summary>
/// <param name="BatchId">The batch.</param>
/// <param name="Partition">The partition it went to.</param>
/// <param name="Sequence">Its sequence in the event stream.</param>
/// <param name="Duplicate">True when the stream already held this batch id (a retried publish): nothing was added.</param>
public readonly record struct EventBatchAck(Guid BatchId, int Partition, ulong Sequence, bool Duplicate);
