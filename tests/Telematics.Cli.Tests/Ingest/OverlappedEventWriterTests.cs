using System.Collections.Concurrent;
using Telematics.Cli.Ingest;
using Telematics.Features.Samples;
using Telematics.Storage.Postgres.Ingest;

namespace Telematics.Cli.Tests.Ingest;

public sealed class OverlappedEventWriterTests
{
    private const int ChunkRows = 10_000;

    private static SampleBuffer Chunk(int k)
    {
        var chunk = new SampleBuffer(ChunkRows);
        for (var i = 0; i < ChunkRows; i++)
        {
            chunk.Add(new TelematicsSample((k * (long)ChunkRows) + i, 48, 2));
        }

        return chunk;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Chunks_are_gathered_into_batches_and_every_sample_is_stored_once_from_copies(int writers)
    {
        var batches = new ConcurrentBag<long[]>();
        var writer = new OverlappedEventWriter(
            async (batch, ct) =>
            {
                await Task.Delay(5, ct);
                batches.Add(batch.TimestampUnixMs.ToArray());
                return new IngestResult(batch.Count, batch.Count - 1);
            },
            writers,
            CancellationToken.None);
        var reused = new SampleBuffer(ChunkRows);

        for (var k = 0; k < 20; k++)
        {
            reused.Clear();
            reused.AddRange(Chunk(k));
            await writer.EnqueueAsync(reused, CancellationToken.None);
            reused.TimestampUnixMs.Fill(-1);
        }

        await writer.CompleteAsync();

        // 6 chunks of 10,000 fit a batch of 65,536: batches of 60,000, 60,000, 60,000 and the last 20,000.
        Assert.Equal([20_000, 60_000, 60_000, 60_000], batches.Select(b => b.Length).Order());
        Assert.All(batches, b => Assert.Equal(Enumerable.Range(0, b.Length).Select(i => b[0] + i), b));
        Assert.Equal(Enumerable.Range(0, 20 * ChunkRows).Select(i => (long)i), batches.SelectMany(b => b).Order());
        Assert.Equal((200_000L, 200_000L - batches.Count), (writer.Received, writer.Stored));
    }

    [Fact]
    public async Task A_failed_store_stops_the_writers_and_surfaces_to_the_caller()
    {
        var writer = new OverlappedEventWriter(
            (batch, _) => batch.TimestampUnixMs[0] >= 120_000 ? throw new InvalidOperationException("database gone") : Task.FromResult(new IngestResult(batch.Count, batch.Count)),
            2,
            CancellationToken.None);

        var error = await Record.ExceptionAsync(async () =>
        {
            for (var k = 0; k < 200; k++)
            {
                await writer.EnqueueAsync(Chunk(k), CancellationToken.None);
            }
        });
        var completion = await Record.ExceptionAsync(writer.CompleteAsync);

        Assert.Equal("database gone", Assert.IsType<InvalidOperationException>(error).Message);
        Assert.Same(error, completion);
        // The two batches before the failing one were stored; nothing after it was.
        Assert.Equal(120_000L, writer.Stored);
    }
}
