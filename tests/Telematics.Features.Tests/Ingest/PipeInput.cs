using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Telematics.Features.Ingest;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest;

/// <summary>Feeds test bytes to readers through a real <see cref="Pipe"/>, in chunks of chosen sizes.</summary>
internal static class PipeInput
{
    /// <summary>A pipe whose writer side writes <paramref name="bytes"/> in pieces of the given sizes (cycled), then completes.</summary>
    public static PipeReader Chunked(byte[] bytes, params int[] chunkSizes)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var offset = 0;
        var i = 0;
        while (offset < bytes.Length)
        {
            var size = chunkSizes.Length == 0 ? bytes.Length : Math.Max(1, chunkSizes[i++ % chunkSizes.Length]);
            size = Math.Min(size, bytes.Length - offset);
            pipe.Writer.Write(bytes.AsSpan(offset, size));

            // Each flush ends a pipe segment as far as the reader can see.
            _ = pipe.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
            offset += size;
        }

        pipe.Writer.Complete();
        return pipe.Reader;
    }

    public static PipeReader Text(string text, params int[] chunkSizes) => Chunked(Encoding.UTF8.GetBytes(text), chunkSizes);

    /// <summary>Reads every sample in chunks of <paramref name="chunkCapacity"/> through <see cref="SampleReader.ReadAsync"/>.</summary>
    public static async Task<List<TelematicsSample>> ReadAllAsync(SampleReader reader, int chunkCapacity = 3)
    {
        var samples = new List<TelematicsSample>();
        var buffer = new SampleBuffer(chunkCapacity);
        await using (reader)
        {
            while (true)
            {
                var chunk = await reader.ReadAsync(buffer);
                Assert.Equal(chunk.Count, buffer.Count);
                for (var i = 0; i < buffer.Count; i++)
                {
                    samples.Add(buffer[i]);
                }

                if (chunk.IsCompleted)
                {
                    return samples;
                }
            }
        }
    }
}
