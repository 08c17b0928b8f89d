using System.Text.Json;

using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Telematics.Api.Tests.Cluster;

/// <summary>Reads what a book's domain-event stream holds, as a consumer would.</summary>
internal static class DomainEventStreamReader
{
    /// <summary>Every CloudEvent the domain-event stream of <paramref name="prefix"/> holds on <paramref name="subject"/>, in stream order.</summary>
    public static async Task<List<JsonElement>> ReadAsync(string url, string prefix, string subject) =>
        [.. (await ReadWithSubjectsAsync(url, prefix, subject)).Select(message => message.Event)];

    /// <summary>Like <see cref="ReadAsync"/>, with the subject each event was published on.</summary>
    public static async Task<List<(string Subject, JsonElement Event)>> ReadWithSubjectsAsync(string url, string prefix, string subject)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = url, Name = "telematics-tests" });
        var js = new NatsJSContext(connection);
        var events = new List<(string, JsonElement)>();
        INatsJSConsumer consumer;
        try
        {
            // Named: nats-server 2.9 (Debian's) refuses an unnamed consumer with a filter on this client's create API.
            consumer = await js.CreateOrUpdateConsumerAsync(prefix + "-domain-events", new ConsumerConfig
            {
                Name = "read-" + Guid.NewGuid().ToString("N")[..12],
                InactiveThreshold = TimeSpan.FromSeconds(30),
                AckPolicy = ConsumerConfigAckPolicy.None,
                DeliverPolicy = ConsumerConfigDeliverPolicy.All,
                FilterSubject = prefix + ".domain.>", // filtered below: '*' inside a filter is refused on this API by 2.9
            });
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return events; // no stream yet: the relay makes it when it starts
        }

        await foreach (var message in consumer.FetchNoWaitAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = 10_000 }))
        {
            if (Matches(subject, message.Subject))
            {
                events.Add((message.Subject, JsonDocument.Parse(message.Data!).RootElement.Clone()));
            }
        }

        return events;
    }

    // NATS subject matching: '*' is one token, '>' the rest.
    private static bool Matches(string filter, string subject)
    {
        var wanted = filter.Split('.');
        var tokens = subject.Split('.');
        for (var i = 0; i < wanted.Length; i++)
        {
            if (wanted[i] == ">")
            {
                return tokens.Length > i;
            }

            if (i >= tokens.Length || (wanted[i] != "*" && wanted[i] != tokens[i]))
            {
                return false;
            }
        }

        return wanted.Length == tokens.Length;
    }
}
