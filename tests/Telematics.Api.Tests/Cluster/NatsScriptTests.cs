using System.Diagnostics;

using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

using Telematics.Testing;

namespace Telematics.Api.Tests.Cluster;

/// <summary>
/// <c>scripts/nats.sh</c> starts a real 3-node JetStream cluster on loopback (installing nats-server where missing): a
/// stream replicated on all three keeps every message, and takes new ones, after one node is killed.
/// </summary>
public sealed class NatsScriptTests
{
    [Fact]
    public async Task A_three_node_cluster_keeps_a_replicated_stream_through_the_loss_of_a_node()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..10];
        var url = (await NatsServer.ScriptAsync("start", name, "3")).Trim();
        try
        {
            await using var connection = new NatsConnection(new NatsOpts { Url = url, Name = "telematics-tests" });
            var js = new NatsJSContext(connection);
            await js.CreateStreamAsync(new StreamConfig("EVENTS", ["telematics.events.>"]) { NumReplicas = 3 });
            for (var i = 0; i < 100; i++)
            {
                (await PublishWithRetryAsync(js, "before", $"telematics.events.{i % 4}", (byte)i)).EnsureSuccess();
            }

            // A crash of one of the three: the stream keeps a quorum of two.
            await NatsServer.ScriptAsync("stop", name, "1");
            for (var i = 0; i < 100; i++)
            {
                (await PublishWithRetryAsync(js, "after", $"telematics.events.{i % 4}", (byte)i)).EnsureSuccess();
            }

            var stream = await js.GetStreamAsync("EVENTS");
            Assert.Equal(3, stream.Info.Config.NumReplicas);
            Assert.Equal(200L, stream.Info.State.Messages);
        }
        finally
        {
            await NatsServer.ScriptAsync("destroy", name);
        }
    }

    // While the cluster elects a stream leader (just after creating the stream, and again after the crash), a publish
    // can time out; JetStream acknowledges a message only when a quorum stored it, and the message id makes the server
    // drop a retry of one it did store, so a retry neither loses nor duplicates one. The phase keeps the two rounds' ids apart.
    private static async Task<PubAckResponse> PublishWithRetryAsync(NatsJSContext js, string phase, string subject, byte value)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await js.PublishAsync(subject, new[] { value }, opts: new NatsJSPubOpts { MsgId = $"{phase}-{subject}-{value}" });
            }
            catch (NatsJSException) when (attempt < 20)
            {
                await Task.Delay(250);
            }
        }
    }
}
