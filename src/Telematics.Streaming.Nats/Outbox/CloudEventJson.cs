using System.Buffers;
using System.Text.Json;

using Telematics.Service.Events;

namespace Telematics.Streaming.Nats.Outbox;

/// <summary>
/// A <see cref="DomainEvent"/> as a CloudEvent 1.0 in the structured JSON mode (one JSON object: context attributes and
/// <c>data</c>), which is what the domain-event stream carries (<c>docs/events.md</c>).
/// </summary>
public static class CloudEventJson
{
    /// <summary>The media type of a structured CloudEvent.</summary>
    public const string ContentType = "application/cloudevents+json";

    /// <summary>The CloudEvent <c>type</c> of a domain event type, e.g. <c>telematics.RiskScoreCalculated.v1</c>.</summary>
    /// <param name="domainEventType">One of <see cref="DomainEventTypes"/>.</param>
    /// <returns>The versioned type.</returns>
    public static string TypeOf(string domainEventType) =>
        string.Concat("telematics.", domainEventType, ".v", DomainEventTypes.SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Writes the event as structured CloudEvent JSON.</summary>
    /// <param name="domainEvent">The event.</param>
    /// <param name="source">The CloudEvent <c>source</c>: the book that raised it (e.g. <c>/telematics</c>).</param>
    /// <param name="output">Receives the UTF-8 JSON.</param>
    public static void Write(DomainEvent domainEvent, string source, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("specversion", "1.0");
        json.WriteString("id", domainEvent.Id);
        json.WriteString("source", source);
        json.WriteString("type", TypeOf(domainEvent.Type));
        json.WriteString("subject", domainEvent.Subject);
        json.WriteString("time", domainEvent.Time.UtcDateTime);
        json.WriteString("datacontenttype", "application/json");
        json.WritePropertyName("data");
        json.WriteRawValue(domainEvent.Data.Span, skipInputValidation: false);
        json.WriteEndObject();
    }

    /// <summary>The event as structured CloudEvent JSON bytes.</summary>
    /// <param name="domainEvent">The event.</param>
    /// <param name="source">The CloudEvent <c>source</c>.</param>
    /// <returns>UTF-8 JSON.</returns>
    public static byte[] ToUtf8Bytes(DomainEvent domainEvent, string source)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Write(domainEvent, source, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
