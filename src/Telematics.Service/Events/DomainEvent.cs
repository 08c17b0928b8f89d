namespace Telematics.Service.Events;

/// <summary>
/// A change of the book that other systems may react to, written to the outbox in the transaction of the change and
/// relayed from there (as a CloudEvent, see <c>docs/events.md</c>).
/// </summary>
/// <param name="Id">Stable and unique: derived from what changed (e.g. <c>score-42</c>), so a consumer dedupes by it and a re-relay is the same event.</param>
/// <param name="Type">One of <see cref="DomainEventTypes"/>.</param>
/// <param name="Subject">What it is about: a driver id, or a model name for <see cref="DomainEventTypes.ModelPromoted"/>.</param>
/// <param name="Time">When the change happened.</param>
/// <param name="Data">The event's data as UTF-8 JSON (the schemas are in <c>docs/events.md</c>).</param>
public sealed record DomainEvent(string Id, string Type, string Subject, DateTimeOffset Time, ReadOnlyMemory<byte> Data);
