namespace Telematics.Api.Live;

/// <summary>Where <c>/hubs/live</c> takes its messages from.</summary>
internal sealed class LiveOptions
{
    /// <summary>
    /// True when the hub is fed from the domain-event stream (<see cref="DomainEventLiveFeed"/>): the endpoints then send
    /// nothing themselves, or a client would hear each change twice. False (a single host): the endpoints send after the commit.
    /// </summary>
    public bool FedFromDomainEvents { get; set; }
}
