using Telematics.Features.Ingest.Binary;
using Telematics.Features.Samples;
using Telematics.Service.Ingest;

namespace Telematics.Streaming.Nats.Tests.Infrastructure;

/// <summary>Batches prepared as a worker prepares them (<see cref="EventStreamIngestor.PrepareBatchAsync"/>).</summary>
internal static class PreparedBatches
{
    public static async Task<PreparedEventBatch> PrepareAsync(Book book, long driver, Guid batchId, SampleBuffer samples)
    {
        // Through the stream's own format, as a worker reads a batch; a copy, since the pipeline rewrites a chunk in place.
        var copy = new SampleBuffer(samples.Count);
        copy.AddRange(samples);
        using var stream = new MemoryStream();
        await using (var writer = BinarySampleWriter.FromStream(stream, leaveOpen: true))
        {
            await writer.WriteAsync(copy);
            await writer.CompleteAsync();
        }

        await using var reader = BinarySampleReader.FromStream(new MemoryStream(stream.ToArray()));
        return await book.Ingestor.PrepareBatchAsync(driver, batchId, reader, TimeZoneInfo.Utc, Book.Actor);
    }
}
