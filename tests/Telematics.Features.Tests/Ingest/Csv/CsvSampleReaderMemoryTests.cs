using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest.Csv;

/// <summary>
/// Memory stays flat however large the input: the reader holds one chunk of input, not the file, and the default
/// plausibility checks of every record (the rows are plausible 2019 driving) allocate nothing.
/// </summary>
public sealed class CsvSampleReaderMemoryTests
{
    private const long MiB = 1 << 20;

    [Fact]
    public void Allocations_while_streaming_200_MB_are_small_and_do_not_grow_with_the_input()
    {
        Stream(2 * MiB); // warm-up: JIT, pools, first-use statics

        var (smallBytes, smallRows, smallAllocated) = Stream(20 * MiB);
        var (largeBytes, largeRows, largeAllocated) = Stream(200 * MiB);

        Assert.True(largeBytes >= 200 * MiB, $"generated {largeBytes} bytes");
        Assert.True(largeRows > 2_000_000, $"read {largeRows} rows");
        Assert.True(smallRows > 200_000, $"read {smallRows} rows");

        // Fixed costs only (reader, mapping, a pooled array or two): nothing per record or per pipe segment. A Debug
        // build of the library allocates each async state machine as an object, one per ReadAsync call (4096 rows).
        var perChunk = IsOptimized(typeof(CsvSampleReader)) ? 0 : 1024;
        var largeChunks = largeRows / 4096;
        Assert.True(largeAllocated < (256 * 1024) + (perChunk * largeChunks), $"streaming {largeBytes / MiB} MiB allocated {largeAllocated} bytes");
        Assert.True(largeAllocated - smallAllocated < (16 * 1024) + (perChunk * largeChunks), $"20 MiB: {smallAllocated} B, 200 MiB: {largeAllocated} B allocated");
    }

    private static bool IsOptimized(Type type) =>
        type.Assembly.GetCustomAttributes(typeof(System.Diagnostics.DebuggableAttribute), false) is not [System.Diagnostics.DebuggableAttribute { IsJITOptimizerDisabled: true }];

    /// <summary>
    /// Generates CSV on the fly into a pipe and reads it back, both on this thread (inline schedulers hand control
    /// back and forth synchronously), so that the thread's allocation counter sees all the work and only it.
    /// </summary>
    private static (long Bytes, long Rows, long Allocated) Stream(long size)
    {
        // A recycling pool of its own, so that the shared ArrayPool's occasional misses do not count against the reader.
        var pipe = new Pipe(new PipeOptions(
            pool: new RecyclingPool(),
            readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
        var buffer = new SampleBuffer(4096);
        var reader = CsvSampleReader.Create(pipe.Reader);
        var bytes = new StrongBox<long>();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var producer = ProduceAsync(pipe.Writer, size, bytes);
        var consumer = ConsumeAsync(reader, buffer);
        var after = GC.GetAllocatedBytesForCurrentThread();

        Assert.True(producer.IsCompletedSuccessfully, "the producer finished on this thread");
        Assert.True(consumer.IsCompletedSuccessfully, "the consumer finished on this thread");
        reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return (bytes.Value, consumer.Result, after - before);
    }

    /// <summary>Hands out 4 KiB blocks and takes them back for reuse; allocates only while the pipe grows.</summary>
    private sealed class RecyclingPool : MemoryPool<byte>
    {
        private readonly Stack<Block> _free = new();

        public override int MaxBufferSize => 4096;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1) =>
            minBufferSize > MaxBufferSize ? throw new ArgumentOutOfRangeException(nameof(minBufferSize))
            : _free.TryPop(out var block) ? block : new Block(this);

        protected override void Dispose(bool disposing)
        {
        }

        private sealed class Block(RecyclingPool owner) : IMemoryOwner<byte>
        {
            private readonly byte[] _array = new byte[4096];

            public Memory<byte> Memory => _array;

            public void Dispose() => owner._free.Push(this);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<long> ConsumeAsync(CsvSampleReader reader, SampleBuffer buffer)
    {
        long rows = 0;
        double latitudes = 0;
        while (true)
        {
            var chunk = await reader.ReadAsync(buffer);
            rows += chunk.Count;
            foreach (var latitude in buffer.LatitudeDeg)
            {
                latitudes += latitude;
            }

            if (chunk.IsCompleted)
            {
                Assert.True(latitudes < 0, "latitudes were read");
                return rows;
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask ProduceAsync(PipeWriter writer, long size, StrongBox<long> written)
    {
        writer.Write("timestamp,lat,lon,speed_mps,heading_deg,accel_lon_mps2,accel_lat_mps2,gps_accuracy_m,speed_limit_mps,road_class,phone_handheld,phone_interaction,event_id\n"u8);
        long row = 0;
        while (written.Value < size)
        {
            for (var i = 0; i < 64; i++, row++)
            {
                written.Value += WriteRow(writer, row);
            }

            await writer.FlushAsync();
        }

        await writer.CompleteAsync();
    }

    private static int WriteRow(PipeWriter writer, long row)
    {
        var span = writer.GetSpan(256);
        var at = 0;
        at += Field(span[at..], 1_566_857_847_000 + (row * 1000));
        at += Field(span[at..], -25.45 - ((row % 9973) * 1e-5));
        at += Field(span[at..], -49.23 + ((row % 7919) * 1e-5));
        at += Field(span[at..], (row % 400) * 0.1);
        at += Field(span[at..], row % 360);
        at += Field(span[at..], ((row % 61) - 30) * 0.1);
        at += Field(span[at..], ((row % 37) - 18) * 0.1);
        at += Field(span[at..], 3.5);
        at += Field(span[at..], 16.67);
        "Primary,1,0,"u8.CopyTo(span[at..]);
        at += 12;
        Utf8Formatter.TryFormat(row, span[at..], out var n);
        at += n;
        span[at++] = (byte)'\n';
        writer.Advance(at);
        return at;
    }

    private static int Field(Span<byte> span, double value)
    {
        Utf8Formatter.TryFormat(value, span, out var n);
        span[n] = (byte)',';
        return n + 1;
    }

    private static int Field(Span<byte> span, long value)
    {
        Utf8Formatter.TryFormat(value, span, out var n);
        span[n] = (byte)',';
        return n + 1;
    }
}
