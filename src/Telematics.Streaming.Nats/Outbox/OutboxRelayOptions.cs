namespace Telematics.Streaming.Nats.Outbox;

/// <summary>How the outbox relay hands domain events to JetStream.</summary>
public sealed class OutboxRelayOptions
{
    /// <summary>
    /// The most events read, published and deleted in one transaction (default 2,000: on the 2-core box 500 relayed
    /// about 7,700 events/s, 2,000 about 14,000, 5,000 fewer again; <c>scripts/perf/outbox-relay.sh</c>).
    /// </summary>
    public int BatchSize { get; set; } = 2000;

    /// <summary>
    /// How long a batch may wait for JetStream's acks before the relay gives up on it (default 10 s); the batch stays in
    /// the outbox. While NATS is down the client holds publishes until it reconnects, so without a bound an outage would
    /// not show as one.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the relay waits before looking again when the outbox was empty (default 100 ms: the added lag of an event).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between attempts while NATS or the database cannot be reached (default 5 s; it starts at the poll interval and doubles).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the stream recognises a re-published event id and drops it (default 10 minutes).</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the stream keeps events for consumers (default 7 days).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The CloudEvent <c>source</c> of the events (default <c>/telematics</c>).</summary>
    public string Source { get; set; } = "/telematics";
}
