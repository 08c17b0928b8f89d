using Telematics.Cli.Ingest;
using Telematics.Features.Samples;
using Telematics.Storage.Postgres.Ingest;

namespace Telematics.Cli.Tests.Ingest;

public sealed class OverlappedEventWriterTests
{
    private static SampleBuffer Chunk(long first, int count)
    {
        var chunk = new SampleBuffer(count);
        for (var i = 0; i < count; i++)
        {
            chunk.Add(new TelematicsSample { TimestampUnixMs = first + i, LatitudeDeg = 48, LongitudeDeg = 2 });
        }

        return chunk;
    }

    [Fact]
    public async Task Chunks_are_stored_in_order_as_copies_while_the_caller_reuses_its_buffer()
    {
        var seen = new List<long>();
        var writer = new OverlappedEventWriter(
            async (chunk, ct) =>
            {
                await Task.Delay(5, ct);
                seen.Add(chunk.TimestampUnixMs[0]);
                return new IngestResult(chunk.Count, chunk.Count - 1);
            },
            CancellationToken.None);
        var reused = new SampleBuffer(16);

        for (var k = 0; k < 20; k++)
        {
            Chunk(k * 1000, 10).CopyTo(reused);
            await writer.EnqueueAsync(reused, CancellationToken.None);
            reused.TimestampUnixMs[0] = -1;
        }

        await writer.CompleteAsync();

        Assert.Equal(Enumerable.Range(0, 20).Select(k => k * 1000L), seen);
        Assert.Equal((200L, 180L), (writer.Received, writer.Stored));
    }

    [Fact]
    public async Task A_failed_store_surfaces_to_the_caller_and_what_was_stored_before_is_counted()
    {
        var writer = new OverlappedEventWriter(
            (chunk, _) => chunk.TimestampUnixMs[0] >= 3000 ? throw new InvalidOperationException("database gone") : Task.FromResult(new IngestResult(chunk.Count, chunk.Count)),
            CancellationToken.None);

        var error = await Record.ExceptionAsync(async () =>
        {
            for (var k = 0; k < 50; k++)
            {
                await writer.EnqueueAsync(Chunk(k * 1000, 10), CancellationToken.None);
            }
        });
        var completion = await Record.ExceptionAsync(writer.CompleteAsync);

        Assert.Equal("database gone", Assert.IsType<InvalidOperationException>(error).Message);
        Assert.Same(error, completion);
        Assert.Equal(30L, writer.Stored);
    }
}
