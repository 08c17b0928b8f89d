using System.IO.Pipelines;
using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Binary;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest.Binary;

public sealed class BinarySampleTests
{
    internal static async Task<byte[]> WriteAsync(IEnumerable<TelematicsSample> samples, int blockRecords = BinaryFormat.DefaultBlockRecords, bool complete = true)
    {
        using var stream = new MemoryStream();
        await using (var writer = BinarySampleWriter.FromStream(stream, blockRecords, leaveOpen: true))
        {
            var buffer = new SampleBuffer();
            foreach (var sample in samples)
            {
                buffer.Add(sample);
            }

            await writer.WriteAsync(buffer);
            if (complete)
            {
                await writer.CompleteAsync();
            }
        }

        return stream.ToArray();
    }

    private static Task<List<TelematicsSample>> Read(byte[] bytes, SampleReaderOptions? options = null, int capacity = 3, params int[] chunks) =>
        PipeInput.ReadAllAsync(BinarySampleReader.Create(PipeInput.Chunked(bytes, chunks), options ?? ParseOnly.Options), capacity);

    private static TelematicsSample Sample(long t, double lat = 1, double lon = 2) => new(t, lat, lon) { SpeedMps = t, RoadClass = RoadClass.Trunk };

    [Fact]
    public async Task Samples_round_trip_bit_for_bit_including_nan_payloads_and_extremes()
    {
        var oddNan = BitConverter.Int32BitsToSingle(0x7FC0_1234);
        var samples = new[]
        {
            new TelematicsSample(long.MinValue, -90, -180) { SpeedMps = oddNan, HeadingDeg = float.MaxValue, LongitudinalAccelMps2 = float.NegativeInfinity, LateralAccelMps2 = float.Epsilon, GpsAccuracyM = -0f, EventId = long.MaxValue },
            new TelematicsSample(long.MaxValue, 90, 180) { RoadClass = RoadClass.Service, Flags = SampleFlags.PhoneHandheld | SampleFlags.PhoneInteraction },
            new TelematicsSample(0, -0.0, 1e-300),
        };

        var read = await Read(await WriteAsync(samples, blockRecords: 2));

        Assert.Equal(samples.Length, read.Count);
        Assert.Equal(0x7FC0_1234, BitConverter.SingleToInt32Bits(read[0].SpeedMps));
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(read[2].LatitudeDeg));
        Assert.Equal(samples, read);
    }

    [Fact]
    public async Task The_file_starts_with_the_documented_header()
    {
        var bytes = await WriteAsync([Sample(1)]);

        Assert.Equal("TLMS"u8.ToArray(), bytes[..4]);
        Assert.Equal(new byte[] { 1, 0, 0xFF, 0x0F, 0, 0, 0, 0 }, bytes[4..12]);
        Assert.Equal(12 + 4 + 58 + 4 + 4, bytes.Length);
    }

    [Fact]
    public async Task A_header_and_end_block_alone_give_no_samples()
    {
        Assert.Empty(await Read(await WriteAsync([])));
    }

    [Theory]
    [InlineData(0, "the input is empty: no header")]
    [InlineData(7, "the header is truncated")]
    public async Task Empty_or_cut_headers_are_damaged_input(int length, string reason)
    {
        var bytes = (await WriteAsync([Sample(1)]))[..length];

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read(bytes));

        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public async Task A_missing_end_block_is_reported_as_truncated_after_the_good_blocks()
    {
        var bytes = await WriteAsync([Sample(1), Sample(2), Sample(3)], blockRecords: 2, complete: false);

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read(bytes[..^10], capacity: 100));

        Assert.Equal(3, error.Record);
        Assert.Equal("the input ends inside a block", error.Reason);
    }

    [Fact]
    public async Task A_flipped_bit_fails_the_block_checksum()
    {
        var bytes = await WriteAsync([Sample(1), Sample(2)]);
        bytes[30] ^= 0x10;

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read(bytes, new SampleReaderOptions { Plausibility = SamplePlausibility.Unbounded, BadRecords = BadRecordHandling.SkipAndReport }));

        Assert.Equal("the block's CRC-32 does not match its contents", error.Reason);
    }

    [Fact]
    public async Task Wrong_magic_unknown_version_and_trailing_bytes_are_damaged_input()
    {
        var good = await WriteAsync([Sample(1)]);
        var magic = (byte[])good.Clone();
        magic[0] = (byte)'X';
        var version = (byte[])good.Clone();
        version[4] = 2;

        Assert.Contains("magic", (await Assert.ThrowsAsync<TelematicsFormatException>(() => Read(magic))).Reason, StringComparison.Ordinal);
        Assert.Contains("version 2", (await Assert.ThrowsAsync<TelematicsFormatException>(() => Read(version))).Reason, StringComparison.Ordinal);
        Assert.Equal("bytes follow the end block", (await Assert.ThrowsAsync<TelematicsFormatException>(() => Read([.. good, 0]))).Reason);
    }

    [Fact]
    public async Task Records_with_impossible_positions_are_bad_records_that_skip_mode_reports()
    {
        var bytes = await WriteAsync([Sample(1), Sample(2, lat: 91), Sample(3, lon: double.NaN), Sample(4)]);
        var options = new SampleReaderOptions { Plausibility = SamplePlausibility.Unbounded, BadRecords = BadRecordHandling.SkipAndReport };
        await using var reader = BinarySampleReader.Create(PipeInput.Chunked(bytes), options);
        var buffer = new SampleBuffer();

        await reader.ReadToEndAsync(buffer);

        Assert.Equal([1L, 4], buffer.TimestampUnixMs.ToArray());
        Assert.Equal([(2L, "lat"), (3L, "lon")], reader.Report.Errors.Select(e => (e.Record, e.Field!)));
        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read(bytes));
        Assert.Equal(2, error.Record);
    }

    [Fact]
    public async Task Blocks_split_byte_by_byte_and_read_into_small_chunks_give_every_sample_in_order()
    {
        var samples = Enumerable.Range(0, 50).Select(i => Sample(i)).ToArray();
        var bytes = await WriteAsync(samples, blockRecords: 7);

        Assert.Equal(samples, await Read(bytes, capacity: 3, chunks: 1));
        Assert.Equal(samples, await Read(bytes, capacity: 64, chunks: [5, 1, 300]));
    }

    [Fact]
    public async Task A_writer_onto_a_pipe_feeds_a_reader_on_the_other_end()
    {
        var pipe = new Pipe();
        var samples = Enumerable.Range(0, 10_000).Select(i => Sample(i)).ToArray();
        var produce = Task.Run(async () =>
        {
            await using var writer = BinarySampleWriter.Create(pipe.Writer, blockRecords: 1000);
            var buffer = new SampleBuffer();
            foreach (var s in samples)
            {
                buffer.Add(s);
            }

            await writer.WriteAsync(buffer);
            await writer.CompleteAsync();
        });

        var read = await PipeInput.ReadAllAsync(BinarySampleReader.Create(pipe.Reader, ParseOnly.Options), 512);
        await produce;

        Assert.Equal(samples, read);
    }
}
