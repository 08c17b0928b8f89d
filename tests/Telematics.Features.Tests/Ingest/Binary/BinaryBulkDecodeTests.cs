using System.Buffers.Binary;
using System.IO.Hashing;
using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Binary;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest.Binary;

/// <summary>The binary reader copies runs of valid records column by column; these pin what that must preserve.</summary>
public sealed class BinaryBulkDecodeTests
{
    [Fact]
    public async Task Bad_records_in_the_middle_of_a_block_are_skipped_and_every_other_sample_keeps_its_order()
    {
        var samples = Enumerable.Range(0, 1000).Select(i => new TelematicsSample(i, i % 97 == 5 ? 95 : 1.5, i % 113 == 7 ? double.NaN : 2.5)
        {
            SpeedMps = i, HeadingDeg = -i, LongitudinalAccelMps2 = 0.5f, LateralAccelMps2 = float.NaN, GpsAccuracyM = 3,
            SpeedLimitMps = 13.9f, RoadClass = (RoadClass)(i % 8), Flags = (SampleFlags)(i % 4), EventId = 10_000 + i,
        }).ToArray();
        var bytes = await BinarySampleTests.WriteAsync(samples, blockRecords: 300);
        var options = new SampleReaderOptions { Plausibility = SamplePlausibility.Unbounded, BadRecords = BadRecordHandling.SkipAndReport, MaxReportedErrors = 1000 };
        var reader = BinarySampleReader.Create(PipeInput.Chunked(bytes, 1000), options);

        var read = await PipeInput.ReadAllAsync(reader, chunkCapacity: 64);

        var expected = samples.Where((s, i) => i % 97 != 5 && i % 113 != 7).ToArray();
        Assert.Equal(expected, read);
        var rejected = Enumerable.Range(0, 1000).Where(i => i % 97 == 5 || i % 113 == 7).Select(i => (long)i + 1);
        Assert.Equal(rejected, reader.Report.Errors.Select(e => e.Record));
        Assert.Equal(expected.Length, reader.Report.AcceptedCount);
    }

    [Fact]
    public async Task A_file_with_only_the_required_columns_reads_the_optional_ones_as_missing()
    {
        // Header with column set 0x0007 (timestamp, latitude, longitude), one block of two records, the end block.
        var bytes = new byte[BinaryFormat.HeaderLength + 4 + (2 * 24) + 4 + 4];
        "TLMS"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), BinaryFormat.Version);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), 0x0007);
        var block = bytes.AsSpan(BinaryFormat.HeaderLength, 4 + 48 + 4);
        BinaryPrimitives.WriteUInt32LittleEndian(block, 2);
        BinaryPrimitives.WriteInt64LittleEndian(block[4..], 1000);
        BinaryPrimitives.WriteInt64LittleEndian(block[12..], 2000);
        BinaryPrimitives.WriteDoubleLittleEndian(block[20..], -25.5);
        BinaryPrimitives.WriteDoubleLittleEndian(block[28..], -25.6);
        BinaryPrimitives.WriteDoubleLittleEndian(block[36..], -49.1);
        BinaryPrimitives.WriteDoubleLittleEndian(block[44..], -49.2);
        BinaryPrimitives.WriteUInt32LittleEndian(block[52..], Crc32.HashToUInt32(block[..52]));

        var read = await PipeInput.ReadAllAsync(BinarySampleReader.Create(PipeInput.Chunked(bytes), ParseOnly.Options));

        // Without the flags column phone use is not recorded, which is not "not used".
        Assert.Equal([new TelematicsSample(1000, -25.5, -49.1) { Flags = SampleFlags.PhoneUnknown }, new TelematicsSample(2000, -25.6, -49.2) { Flags = SampleFlags.PhoneUnknown }], read);
    }
}
