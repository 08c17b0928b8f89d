using Microsoft.Extensions.Logging.Abstractions;

using NATS.Client.Core;
using NATS.Client.JetStream;

using Telematics.Service.Events;
using Telematics.Streaming.Nats.Connection;
using Telematics.Streaming.Nats.Outbox;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// A publish retried with the same message id (its first ack lost) is a success that adds nothing: JetStream answers
/// Duplicate, which NATS.Net's <c>EnsureSuccess</c> would turn into an exception.
/// </summary>
public sealed class DuplicatePublishTests(NatsServer nats) : IClassFixture<NatsServer>
{
    private static readonly DateTimeOffset Day = new(2026, 5, 19, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_batch_published_again_with_its_id_is_acknowledged_as_a_duplicate_of_the_first()
    {
        await using var rig = StreamRig.Create(nats.Url, partitions: 1);
        var batch = Guid.CreateVersion7();
        var day = DrivingDays.Day(61, Day, trips: 1, tripSeconds: 120);

        var first = await rig.Publisher.PublishAsync(5_200_001L, batch, day, "UTC", Book.Actor);
        var again = await rig.Publisher.PublishAsync(5_200_001L, batch, day, "UTC", Book.Actor);

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Sequence, again.Sequence);
        Assert.Equal(1L, (await rig.Js.GetStreamAsync(rig.Topology.Names.EventStream)).Info.State.Messages);
    }

    [Fact]
    public async Task The_outbox_relay_counts_an_event_the_stream_already_holds_as_relayed()
    {
        var streaming = new NatsStreamingOptions { Url = nats.Url, SubjectPrefix = "t" + Guid.NewGuid().ToString("N")[..8] };
        var options = new OutboxRelayOptions { PollInterval = TimeSpan.FromMilliseconds(100), MaxRetryDelay = TimeSpan.FromMilliseconds(500) };
        var domainEvent = new DomainEvent(Guid.NewGuid().ToString("D"), "trip.completed", "42", DateTimeOffset.UtcNow, "{}"u8.ToArray());
        await using var connection = new NatsConnection(new NatsOpts { Url = nats.Url, Name = "duplicate-relay-tests" });
        var js = new NatsJSContext(connection);

        // A relay that published the event, then died before the outbox removed it.
        await DomainEventStream.EnsureAsync(js, streaming, options.DuplicateWindow, options.MaxAge, CancellationToken.None);
        (await js.PublishAsync(
            DomainEventStream.Subject(streaming, domainEvent.Type, domainEvent.Subject),
            CloudEventJson.ToUtf8Bytes(domainEvent, options.Source),
            opts: new NatsJSPubOpts { MsgId = domainEvent.Id })).EnsureSuccess();

        var outbox = new ListOutbox(domainEvent);
        using var relay = new OutboxRelay(outbox, connection, streaming, options, TimeProvider.System, NullLogger<OutboxRelay>.Instance);
        await relay.StartAsync(CancellationToken.None);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (await outbox.CountPendingAsync() > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.Equal(0L, await outbox.CountPendingAsync());
            Assert.Equal(1L, relay.Relayed);
            Assert.Null(relay.Failure);
        }
        finally
        {
            await relay.StopAsync(CancellationToken.None);
        }

        Assert.Equal(1L, (await js.GetStreamAsync(DomainEventStream.Name(streaming))).Info.State.Messages);
    }

    // Hands its events until a publish returns, as the storage adapters' outboxes do.
    private sealed class ListOutbox(params DomainEvent[] events) : IDomainEventOutbox
    {
        private readonly List<DomainEvent> _pending = [.. events];

        public async Task<int> RelayAsync(Func<IReadOnlyList<DomainEvent>, CancellationToken, Task> publish, int max, CancellationToken cancellationToken = default)
        {
            List<DomainEvent> batch;
            lock (_pending)
            {
                batch = _pending.Take(max).ToList();
            }

            if (batch.Count == 0)
            {
                return 0;
            }

            await publish(batch, cancellationToken);
            lock (_pending)
            {
                _pending.RemoveRange(0, batch.Count);
            }

            return batch.Count;
        }

        public Task<long> CountPendingAsync(CancellationToken cancellationToken = default)
        {
            lock (_pending)
            {
                return Task.FromResult((long)_pending.Count);
            }
        }
    }
}
