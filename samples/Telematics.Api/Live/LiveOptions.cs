namespace Telematics.Api.Live;

/// <summary>Where <c>/hubs/live</c> takes its messages from.</summary>
internal sealed class LiveOptions
{
    /// <summary>
    /// True when the hub is fed from the domain-event stream (<see cref="DomainEventLiveFeed"/>): the endpoints then send
    /// nothing themselves, or a client would hear each change twice. False (a single host): the endpoints send after the commit.
    /// </summary>
    public bool FedFromDomainEvents { get; set; }

    /// <summary>
    /// True when the hosts share the hub through the Redis backplane: they then share one consumer of the stream, so each
    /// event is sent once, by one host, to the clients of all. False: each host consumes every event for its own clients.
    /// </summary>
    public bool SharedBackplane { get; set; }

    /// <summary>
    /// How old a domain event may be and still be told to clients (default 5 minutes). The hosts' shared consumer stays
    /// while every host is down; the first host back would otherwise push hours of old scores as "new" to today's clients,
    /// one by one, ahead of fresh ones. Older events still drop the cached reads they made stale. An event the outbox held
    /// for longer through a NATS outage is not told either: a view shows it at its next reload.
    /// </summary>
    public TimeSpan MaxMessageAge { get; set; } = TimeSpan.FromMinutes(5);
}
