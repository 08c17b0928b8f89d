using System.Text;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest.Csv;

/// <summary>Reading trip ids (integers, text, quoted text for the general path) allocates nothing per record.</summary>
public sealed class CsvTripIdAllocationTests
{
    private static byte[] Csv(int rows)
    {
        var text = new StringBuilder("timestamp,lat,lon,speed_mps,trip\n");
        for (var i = 0; i < rows; i++)
        {
            var id = (i / 100 % 3) switch { 0 => (i / 100).ToString(System.Globalization.CultureInfo.InvariantCulture), 1 => "trip-" + (i / 100), _ => "\"trip, " + (i / 100) + "\"" };
            text.Append(1_700_000_000_000L + (i * 1000L)).Append(",52.5,13.4,10.5,").Append(id).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static long AllocatedWhileReading(byte[] csv, out long tripRows)
    {
        var reader = CsvSampleReader.Create(PipeInput.Chunked(csv, 64 * 1024), new CsvColumnMapping { TripId = "trip" });
        var buffer = new SampleBuffer(4096);
        tripRows = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        while (true)
        {
            // The pipe holds all the bytes already: each read completes on this thread.
            var chunk = reader.ReadAsync(buffer).AsTask().GetAwaiter().GetResult();
            foreach (var flags in buffer.Flags)
            {
                tripRows += (flags & SampleFlags.TripIdKnown) != 0 ? 1 : 0;
            }

            if (chunk.IsCompleted)
            {
                break;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return allocated;
    }

    [Fact]
    public void Ten_times_the_rows_with_trip_ids_allocate_no_more()
    {
        AllocatedWhileReading(Csv(2_000), out _); // warm-up
        var small = AllocatedWhileReading(Csv(20_000), out var smallRows);
        var large = AllocatedWhileReading(Csv(200_000), out var largeRows);

        Assert.Equal((20_000L, 200_000L), (smallRows, largeRows));
        // A Debug build allocates an async state machine per ReadAsync (4096 rows); per record, nothing.
        Assert.True(large - small < (16 * 1024) + (200_000 / 4096 * 1024), $"20,000 rows: {small} B, 200,000 rows: {large} B");
    }
}
