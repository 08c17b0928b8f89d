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
}
