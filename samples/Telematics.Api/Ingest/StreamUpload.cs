using Telematics.Features.Ingest;
using Telematics.Features.Samples;
using Telematics.Service.Storage;
using Telematics.Streaming.Nats.Ingest;

namespace Telematics.Api.Ingest;

/// <summary>
/// An upload in the stream mode: read and validated whole first (a bad record in reject mode publishes nothing, as the
/// direct mode stores nothing), then published batch after batch, each awaited until JetStream acknowledged it, so that
/// the driver's batches enter its partition in body order.
/// </summary>
internal static class StreamUpload
{
    /// <summary>Reads every sample of <paramref name="reader"/> into batches of at most the publisher's batch size.</summary>
    /// <exception cref="TelematicsFormatException">A bad record in reject mode.</exception>
    public static async Task<(List<SampleBuffer> Batches, long Received)> ReadAsync(SampleReader reader, int batchSamples, CancellationToken cancellationToken)
    {
        var batches = new List<SampleBuffer>();
        long received = 0;
        while (true)
        {
            // Held until published: the body limit bounds it (58 bytes a sample in the envelope, about as much here).
            var batch = new SampleBuffer(batchSamples);
            var read = await reader.ReadAsync(batch, cancellationToken);
            if (batch.Count > 0)
            {
                batches.Add(batch);
                received += batch.Count;
            }

            if (read.IsCompleted)
            {
                return (batches, received);
            }
        }
    }

    /// <summary>Publishes the batches in order; every batch id is returned once its batch is acknowledged.</summary>
    /// <exception cref="StreamUnavailableException">The stream did not take a batch; those before it are accepted.</exception>
    public static async Task<List<Guid>> PublishAsync(
        EventBatchPublisher publisher, long driverId, List<SampleBuffer> batches, TimeZoneInfo zone, AuditActor actor, CancellationToken cancellationToken)
    {
        var ids = new List<Guid>(batches.Count);
        foreach (var batch in batches)
        {
            // Version 7: ids sort by time, which keeps the ledger's index appends local.
            var id = Guid.CreateVersion7();
            await publisher.PublishAsync(driverId, id, batch, zone.Id, actor, cancellationToken);
            ids.Add(id);
        }

        return ids;
    }
}
