namespace Telematics.Service.Events;

/// <summary>
/// The outbox the book's writes leave their <see cref="DomainEvent"/>s in (when the storage adapter is asked to write
/// them), read by a relay that hands them on.
/// </summary>
public interface IDomainEventOutbox
{
    /// <summary>
    /// Takes up to <paramref name="max"/> pending events, oldest first, hands them to <paramref name="publish"/>, and
    /// removes them once it returned. If it throws, they stay and are handed again on the next call (so a consumer may
    /// see an event twice, and dedupes by <see cref="DomainEvent.Id"/>). One relay works at a time across processes: while
    /// another holds the outbox, this returns 0 at once and hands nothing.
    /// </summary>
    /// <param name="publish">Publishes the events in the order given; returns only when all are accepted.</param>
    /// <param name="max">The most events handed at once.</param>
    /// <param name="cancellationToken">Cancels the call; the events stay.</param>
    /// <returns>Events relayed and removed (0 when none were pending or another relay is at work).</returns>
    Task<int> RelayAsync(Func<IReadOnlyList<DomainEvent>, CancellationToken, Task> publish, int max, CancellationToken cancellationToken = default);

    /// <summary>How many events wait to be relayed.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The count.</returns>
    Task<long> CountPendingAsync(CancellationToken cancellationToken = default);
}
