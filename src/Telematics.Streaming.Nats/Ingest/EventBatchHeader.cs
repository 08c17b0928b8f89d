using System.Net;

namespace Telematics.Streaming.Nats.Ingest;

/// <summary>The header of an event-batch envelope (<see cref="EventBatchEnvelope"/>), read without copying the samples.</summary>
/// <param name="BatchId">The batch's id, also its <c>Nats-Msg-Id</c>: JetStream drops a second publish, the store a second ingest.</param>
/// <param name="DriverId">The driver every sample belongs to (&gt; 0).</param>
/// <param name="PublishedUnixMs">When the batch was published, ms since the Unix epoch (publish-to-stored lag).</param>
/// <param name="TimeZoneId">The driver's IANA time zone, for the local time-of-day features.</param>
/// <param name="ActorName">Who sent the batch, for the audit row; null when the envelope names nobody.</param>
/// <param name="ActorIp">The sender's address; null when not given.</param>
/// <param name="PayloadOffset">Where the samples (a <c>.tlms</c> stream) start in the envelope.</param>
public readonly record struct EventBatchHeader(
    Guid BatchId, long DriverId, long PublishedUnixMs, string TimeZoneId, string? ActorName, IPAddress? ActorIp, int PayloadOffset);
