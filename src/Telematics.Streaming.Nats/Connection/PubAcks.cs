using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Telematics.Streaming.Nats.Connection;

/// <summary>Reads a JetStream publish acknowledgement the way every publisher here needs it.</summary>
internal static class PubAcks
{
    /// <summary>Throws when the stream refused the message; a duplicate (its <c>Nats-Msg-Id</c> already stored) is a success.</summary>
    /// <param name="ack">The acknowledgement.</param>
    /// <exception cref="NatsJSApiException">The stream answered with an error.</exception>
    /// <remarks>NATS.Net's <c>EnsureSuccess</c> throws <see cref="NatsJSDuplicateMessageException"/> on a duplicate, which
    /// would turn every retried publish (the point of message ids) into a failure.</remarks>
    public static void EnsureStored(this PubAckResponse ack)
    {
        ArgumentNullException.ThrowIfNull(ack);
        if (ack.Error is { } error)
        {
            throw new NatsJSApiException(error);
        }
    }
}
