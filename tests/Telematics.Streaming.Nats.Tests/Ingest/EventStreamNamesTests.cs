using Telematics.Streaming.Nats.Connection;
using Telematics.Streaming.Nats.Ingest;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// Stream names stay what deployed books have, and two books whose prefixes differ only in case or in '-' against '_'
/// (so share a stream name) cannot take each other's stream: the second is refused, the first keeps its subjects.
/// </summary>
public sealed class EventStreamNamesTests(NatsServer nats) : IClassFixture<NatsServer>
{
    [Theory]
    [InlineData("telematics", "TELEMATICS_EVENTS", "TELEMATICS_DEADLETTER")]
    [InlineData("fleet-eu", "FLEET_EU_EVENTS", "FLEET_EU_DEADLETTER")]
    [InlineData("book_2", "BOOK_2_EVENTS", "BOOK_2_DEADLETTER")]
    public void Deployed_books_keep_their_stream_names(string prefix, string events, string deadLetters)
    {
        var names = new EventStreamNames(prefix, 16);

        Assert.Equal(events, names.EventStream);
        Assert.Equal(deadLetters, names.DeadLetterStream);
        Assert.Equal(prefix + ".events.3", names.EventSubject(3));
    }

    [Fact]
    public async Task A_book_whose_prefix_maps_to_another_books_stream_name_is_refused_and_the_other_keeps_its_stream()
    {
        var stem = "t" + Guid.NewGuid().ToString("N")[..8];
        await using var first = new NatsTopology(nats.Url, stem + "-eu");
        await first.Topology.EnsureStreamsAsync();

        foreach (var clash in new[] { stem + "_eu", stem.ToUpperInvariant() + "-EU" })
        {
            await using var second = new NatsTopology(nats.Url, clash);
            Assert.Equal(first.Topology.Names.EventStream, second.Topology.Names.EventStream);

            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => second.Topology.EnsureStreamsAsync());
            Assert.Contains(first.Topology.Names.EventStream, refused.Message, StringComparison.Ordinal);
            Assert.Contains("Nats:SubjectPrefix", refused.Message, StringComparison.Ordinal);
        }

        var events = await first.Js.GetStreamAsync(first.Topology.Names.EventStream);
        Assert.Equal([first.Topology.Names.EventWildcard], events.Info.Config.Subjects!.ToArray());
        var deadLetters = await first.Js.GetStreamAsync(first.Topology.Names.DeadLetterStream);
        Assert.Equal([first.Topology.Names.DeadLetterWildcard], deadLetters.Info.Config.Subjects!.ToArray());

        // The first book goes on as before.
        await first.Topology.EnsureStreamsAsync();
    }

    private sealed class NatsTopology : IAsyncDisposable
    {
        private readonly NATS.Client.Core.NatsConnection _connection;

        public NatsTopology(string url, string prefix)
        {
            _connection = new NATS.Client.Core.NatsConnection(new NATS.Client.Core.NatsOpts { Url = url, Name = "stream-names-tests" });
            Js = new NATS.Client.JetStream.NatsJSContext(_connection);
            Topology = new EventStreamTopology(Js, new NatsStreamingOptions { Url = url, SubjectPrefix = prefix }, new StreamIngestOptions { Partitions = 2 });
        }

        public NATS.Client.JetStream.NatsJSContext Js { get; }

        public EventStreamTopology Topology { get; }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }
}
