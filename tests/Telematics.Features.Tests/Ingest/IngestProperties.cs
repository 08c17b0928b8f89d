using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Binary;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Ingest.Ndjson;
using Telematics.Features.Samples;
using Telematics.Features.Tests.Ingest.Binary;

namespace Telematics.Features.Tests.Ingest;

public sealed class IngestProperties
{
    private static readonly SampleReaderOptions Skip = new() { Plausibility = SamplePlausibility.Unbounded, BadRecords = BadRecordHandling.SkipAndReport, MaxRecordBytes = 4096 };

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 200)]
    public Property Binary_write_then_read_gives_the_same_samples_bit_for_bit(TelematicsSample[] samples, PositiveInt blockRecords)
    {
        var bytes = BinarySampleTests.WriteAsync(samples, 1 + (blockRecords.Get % 50)).GetAwaiter().GetResult();
        var read = Outcome.Of(BinarySampleReader.Create(PipeInput.Chunked(bytes), Skip)).Samples;

        return (read.Count == samples.Length && samples.Zip(read).All(p => SameBits(p.First, p.Second))).ToProperty();
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 200)]
    public Property Csv_write_then_read_with_the_default_mapping_gives_the_same_samples(TelematicsSample[] samples)
    {
        using var stream = new MemoryStream();
        var writer = CsvSampleWriter.FromStream(stream, leaveOpen: true);
        var buffer = new SampleBuffer();
        foreach (var s in samples)
        {
            buffer.Add(s);
        }

        writer.WriteAsync(buffer).AsTask().GetAwaiter().GetResult();
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();

        var read = Outcome.Of(CsvSampleReader.Create(PipeInput.Chunked(stream.ToArray()), options: ParseOnly.Options)).Samples;

        // CSV keeps values, not NaN payloads; infinite optional values read back as missing under the default mapping.
        var expected = samples.Select(s => s with
        {
            SpeedMps = Finite(s.SpeedMps), HeadingDeg = Finite(s.HeadingDeg), LongitudinalAccelMps2 = Finite(s.LongitudinalAccelMps2),
            LateralAccelMps2 = Finite(s.LateralAccelMps2), GpsAccuracyM = Finite(s.GpsAccuracyM), SpeedLimitMps = Finite(s.SpeedLimitMps),
        });
        return expected.SequenceEqual(read).ToProperty();
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 300)]
    public Property Csv_reader_throws_nothing_but_its_format_exception_on_arbitrary_bytes(NoisyBytes body, bool withHeader, bool skip)
    {
        var bytes = withHeader ? [.. Encoding.UTF8.GetBytes(CsvSampleWriter.Header + "\n"), .. body.Bytes] : body.Bytes;
        return Outcome.Of(CsvSampleReader.Create(PipeInput.Chunked(bytes), options: skip ? Skip : ParseOnly.Options)).IsAcceptable.ToProperty();
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 300)]
    public Property Ndjson_reader_throws_nothing_but_its_format_exception_on_arbitrary_bytes(NoisyBytes body, bool skip)
    {
        return Outcome.Of(NdjsonSampleReader.Create(PipeInput.Chunked(body.Bytes), skip ? Skip : ParseOnly.Options)).IsAcceptable.ToProperty();
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 300)]
    public Property Binary_reader_throws_nothing_but_its_format_exception_on_damaged_or_arbitrary_bytes(TelematicsSample[] samples, NoisyBytes noise, int cut, bool skip)
    {
        var bytes = BinarySampleTests.WriteAsync(samples, 3).GetAwaiter().GetResult();
        var damaged = (byte[])bytes.Clone();
        for (var i = 0; i < noise.Bytes.Length; i++)
        {
            damaged[(int)((uint)(cut + (i * 7919)) % (uint)damaged.Length)] ^= noise.Bytes[i];
        }

        var truncated = bytes[..(int)((uint)cut % (uint)(bytes.Length + 1))];
        var options = skip ? Skip : ParseOnly.Options;
        return (Outcome.Of(BinarySampleReader.Create(PipeInput.Chunked(damaged), options)).IsAcceptable
            && Outcome.Of(BinarySampleReader.Create(PipeInput.Chunked(truncated), options)).IsAcceptable
            && Outcome.Of(BinarySampleReader.Create(PipeInput.Chunked(noise.Bytes), options)).IsAcceptable).ToProperty();
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 150)]
    public Property Csv_gives_the_same_samples_and_errors_however_the_bytes_are_split(TelematicsSample[] samples, NoisyBytes noise, PositiveInt[] splits)
    {
        var bytes = Encoding.UTF8.GetBytes(Csv(samples) + Encoding.Latin1.GetString(noise.Bytes) + "\n1000,1,2,,,,,,,,,,\n");
        var chunks = splits.Select(s => s.Get).ToArray();
        var whole = Outcome.Of(CsvSampleReader.Create(PipeInput.Chunked(bytes), options: Skip));
        var split = Outcome.Of(CsvSampleReader.Create(PipeInput.Chunked(bytes, chunks), options: Skip), chunkCapacity: 2);
        return whole.SameAs(split).Label($"whole {whole} vs split {split}");
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 150)]
    public Property Ndjson_gives_the_same_samples_and_errors_however_the_bytes_are_split(TelematicsSample[] samples, NoisyBytes noise, PositiveInt[] splits)
    {
        var text = string.Concat(samples.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{{\"timestamp\":{s.TimestampUnixMs},\"lat\":{s.LatitudeDeg:R},\"lon\":{s.LongitudeDeg:R},\"road_class\":{(byte)s.RoadClass},\"event_id\":{s.EventId}}}\r\n")));
        var bytes = Encoding.UTF8.GetBytes(text + Encoding.Latin1.GetString(noise.Bytes) + "\n{\"timestamp\":1,\"lat\":1,\"lon\":2}");
        var chunks = splits.Select(s => s.Get).ToArray();
        var whole = Outcome.Of(NdjsonSampleReader.Create(PipeInput.Chunked(bytes), Skip));
        var split = Outcome.Of(NdjsonSampleReader.Create(PipeInput.Chunked(bytes, chunks), Skip), chunkCapacity: 2);
        return whole.SameAs(split).Label($"whole {whole} vs split {split}");
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 150)]
    public Property Binary_gives_the_same_samples_however_the_bytes_are_split(TelematicsSample[] samples, PositiveInt[] splits)
    {
        var bytes = BinarySampleTests.WriteAsync(samples, 5).GetAwaiter().GetResult();
        var whole = Outcome.Of(BinarySampleReader.Create(PipeInput.Chunked(bytes), Skip));
        var split = Outcome.Of(BinarySampleReader.Create(PipeInput.Chunked(bytes, [.. splits.Select(s => s.Get)]), Skip), chunkCapacity: 2);
        return whole.SameAs(split).Label($"whole {whole} vs split {split}");
    }

    private static string Csv(TelematicsSample[] samples)
    {
        using var stream = new MemoryStream();
        var writer = CsvSampleWriter.FromStream(stream, leaveOpen: true);
        var buffer = new SampleBuffer();
        foreach (var s in samples)
        {
            buffer.Add(s);
        }

        writer.WriteAsync(buffer).AsTask().GetAwaiter().GetResult();
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static float Finite(float value) => float.IsFinite(value) ? value : float.NaN;

    private static bool SameBits(TelematicsSample a, TelematicsSample b) =>
        a.TimestampUnixMs == b.TimestampUnixMs
        && BitConverter.DoubleToInt64Bits(a.LatitudeDeg) == BitConverter.DoubleToInt64Bits(b.LatitudeDeg)
        && BitConverter.DoubleToInt64Bits(a.LongitudeDeg) == BitConverter.DoubleToInt64Bits(b.LongitudeDeg)
        && BitConverter.SingleToInt32Bits(a.SpeedMps) == BitConverter.SingleToInt32Bits(b.SpeedMps)
        && BitConverter.SingleToInt32Bits(a.HeadingDeg) == BitConverter.SingleToInt32Bits(b.HeadingDeg)
        && BitConverter.SingleToInt32Bits(a.LongitudinalAccelMps2) == BitConverter.SingleToInt32Bits(b.LongitudinalAccelMps2)
        && BitConverter.SingleToInt32Bits(a.LateralAccelMps2) == BitConverter.SingleToInt32Bits(b.LateralAccelMps2)
        && BitConverter.SingleToInt32Bits(a.GpsAccuracyM) == BitConverter.SingleToInt32Bits(b.GpsAccuracyM)
        && BitConverter.SingleToInt32Bits(a.SpeedLimitMps) == BitConverter.SingleToInt32Bits(b.SpeedLimitMps)
        && a.RoadClass == b.RoadClass && a.Flags == b.Flags && a.EventId == b.EventId;

    /// <summary>Bytes drawn mostly from the characters that steer the parsers (separators, quotes, line breaks, digits, JSON punctuation, a BOM, invalid UTF-8).</summary>
    public sealed record NoisyBytes(byte[] Bytes)
    {
        public override string ToString() => Convert.ToHexString(Bytes);
    }

    /// <summary>What one read of a whole input produced: samples and errors, or the exception that ended it.</summary>
    private sealed record Outcome(List<TelematicsSample> Samples, List<IngestError> Errors, Exception? Exception)
    {
        public bool IsAcceptable => Exception is null or TelematicsFormatException;

        public static Outcome Of(SampleReader reader, int chunkCapacity = 16)
        {
            var samples = new List<TelematicsSample>();
            try
            {
                samples = PipeInput.ReadAllAsync(reader, chunkCapacity).GetAwaiter().GetResult();
                return new Outcome(samples, [.. reader.Report.Errors], null);
            }
#pragma warning disable CA1031 // The property is about which exceptions escape: every one must be caught here to be judged.
            catch (Exception e)
#pragma warning restore CA1031
            {
                return new Outcome(samples, [.. reader.Report.Errors], e);
            }
        }

        public bool SameAs(Outcome other) =>
            Samples.SequenceEqual(other.Samples) && Errors.SequenceEqual(other.Errors)
            && Exception?.GetType() == other.Exception?.GetType() && Exception?.Message == other.Exception?.Message;

        public override string ToString() => $"{Samples.Count} samples, {Errors.Count} errors, {Exception?.Message ?? "no exception"}";
    }

    public static class Arbitraries
    {
        private static readonly byte[] Steering = "0123456789.,;-+eE\"\r\n\t :{}[]NaInfity"u8.ToArray().Concat(new byte[] { 0xEF, 0xBB, 0xBF, 0xFF, 0xC3, 0x00 }).ToArray();

        public static Arbitrary<NoisyBytes> NoisyBytes() =>
            Gen.Frequency(
                    (4, Gen.Elements(Steering)),
                    (1, ArbMap.Default.GeneratorFor<byte>()))
                .ArrayOf()
                .Select(b => new NoisyBytes(b))
                .ToArbitrary();

        public static Arbitrary<TelematicsSample> Sample()
        {
            var anyFloat = Gen.Frequency(
                (6, ArbMap.Default.GeneratorFor<float>()),
                (1, Gen.Elements(float.NaN, BitConverter.Int32BitsToSingle(0x7FC0_1234), float.MaxValue, float.MinValue, float.Epsilon, -0f, float.PositiveInfinity)));
            Gen<double> Coordinate(double bound) => Gen.Frequency(
                (6, ArbMap.Default.GeneratorFor<NormalFloat>().Select(f => f.Get % bound)),
                (1, Gen.Elements(-bound, bound, -0.0, 0.0, 1e-300)));
            var gen =
                from t in ArbMap.Default.GeneratorFor<long>()
                from lat in Coordinate(90)
                from lon in Coordinate(180)
                from speed in anyFloat
                from heading in anyFloat
                from longitudinal in anyFloat
                from lateral in anyFloat
                from accuracy in anyFloat
                from limit in anyFloat
                from road in Gen.Choose(0, 7)
                from flags in Gen.Elements(0, 1, 2, 3, (int)SampleFlags.PhoneUnknown)
                from eventId in ArbMap.Default.GeneratorFor<long>()
                select new TelematicsSample(t, lat, lon)
                {
                    SpeedMps = speed, HeadingDeg = heading, LongitudinalAccelMps2 = longitudinal, LateralAccelMps2 = lateral,
                    GpsAccuracyM = accuracy, SpeedLimitMps = limit, RoadClass = (RoadClass)road, Flags = (SampleFlags)flags, EventId = eventId,
                };
            return gen.ToArbitrary();
        }
    }
}
