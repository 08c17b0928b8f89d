using System.IO.Pipelines;
using System.Text;

using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Features.Schema;

namespace Telematics.Testing;

/// <summary>
/// The driver vector the feature pipeline gives over a whole CSV event stream, read as one upload would be: what training,
/// <c>telematics features</c> and <c>telematics score</c> compute, for tests that compare the stored paths with it.
/// </summary>
public static class PipelineVectors
{
    /// <summary>Runs <paramref name="lines"/> (data rows under <paramref name="header"/>) through one pipeline in <paramref name="zone"/> (UTC when null).</summary>
    public static async Task<float[]> OfCsvAsync(string header, IEnumerable<string> lines, TimeZoneInfo? zone = null)
    {
        var body = Encoding.UTF8.GetBytes(header + "\n" + string.Join('\n', lines) + "\n");
        await using var reader = CsvSampleReader.Create(PipeReader.Create(new MemoryStream(body)));
        var pipeline = new DriverFeaturePipeline(zone ?? TimeZoneInfo.Utc);
        var chunk = new SampleBuffer(4096);
        ReadChunkResult read;
        do
        {
            read = await reader.ReadAsync(chunk);
            pipeline.Push(chunk);
        }
        while (!read.IsCompleted);

        pipeline.Complete();
        var vector = new float[TelematicsFeatures.Schema.Count];
        pipeline.Aggregate.WriteFeatures(vector);
        return vector;
    }
}
