using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Binary;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest.Binary;

/// <summary>The flags column carries the trip id bits (3–6) through the binary format; bit 7 stays a bad record.</summary>
public sealed class BinaryTripFlagsTests
{
    private static readonly SampleReaderOptions Skip = new() { Plausibility = SamplePlausibility.Unbounded, BadRecords = BadRecordHandling.SkipAndReport };

    [Fact]
    public async Task Trip_tags_round_trip_beside_the_phone_bits()
    {
        var samples = Enumerable.Range(0, 40)
            .Select(i => new TelematicsSample(1000 + i, 52.5, 13.4) { Flags = (SampleFlags)(i % 8) | TripTag.FromId(i / 3) })
            .ToList();

        await using var reader = BinarySampleReader.Create(PipeInput.Chunked(await BinarySampleTests.WriteAsync(samples)), Skip);
        var buffer = new SampleBuffer();
        await reader.ReadToEndAsync(buffer);

        Assert.Empty(reader.Report.Errors);
        Assert.Equal(samples.Select(s => s.Flags), buffer.Flags.ToArray());
    }

    [Fact]
    public async Task Bit_7_of_the_flags_is_a_bad_record_named_flags()
    {
        var samples = new[]
        {
            new TelematicsSample(1000, 52.5, 13.4) { Flags = TripTag.FromId(7) },
            new TelematicsSample(2000, 52.5, 13.4) { Flags = (SampleFlags)128 | TripTag.FromId(7) },
            new TelematicsSample(3000, 52.5, 13.4) { Flags = TripTag.FromId("x") | SampleFlags.PhoneUnknown },
        };

        await using var reader = BinarySampleReader.Create(PipeInput.Chunked(await BinarySampleTests.WriteAsync(samples)), Skip);
        var buffer = new SampleBuffer();
        await reader.ReadToEndAsync(buffer);

        Assert.Equal([1000L, 3000], buffer.TimestampUnixMs.ToArray());
        Assert.Equal((2L, "flags"), reader.Report.Errors.Select(e => (e.Record, e.Field!)).Single());
    }
}
