using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest.Csv;

/// <summary>
/// The CSV reader's one-pass fast path must give exactly what the general split-then-convert path gives: the same
/// samples bit for bit, and the same bad records with the same line, field and reason.
/// </summary>
public sealed class CsvFastPathTests
{
    private const string Header = "timestamp,lat,lon,speed_mps,heading_deg,accel_lon_mps2,accel_lat_mps2,gps_accuracy_m,speed_limit_mps,road_class,phone_handheld,phone_interaction,event_id";

    private static readonly SampleReaderOptions Skip = new() { Plausibility = SamplePlausibility.Unbounded, BadRecords = BadRecordHandling.SkipAndReport, MaxReportedErrors = 1000 };

    [Theory]
    [InlineData("1e3")]
    [InlineData("2.5E-1")]
    [InlineData("+7.25")]
    [InlineData("-0")]
    [InlineData("-0.0")]
    [InlineData("5.")]
    [InlineData(".5")]
    [InlineData("16777217")]
    [InlineData("0.1234567890123")]
    [InlineData("123456789012345678901234567890")]
    [InlineData(" 3.5 ")]
    public async Task Numbers_outside_the_plain_shape_read_as_the_framework_parser_reads_them(string text)
    {
        var csv = $"timestamp,lat,lon,speed_mps\n1000,1.5,2.5,{text}\n";

        var fast = await ReadAsync(csv, fastPath: true);
        var general = await ReadAsync(csv, fastPath: false);

        var sample = Assert.Single(fast.Samples);
        var expected = float.Parse(text, CultureInfo.InvariantCulture);
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(sample.SpeedMps));
        Assert.Equal(general.Samples, fast.Samples);
    }

    [Theory]
    [InlineData("-25.4518370000000000001")]
    [InlineData("-25.451837e0")]
    [InlineData("+45")]
    [InlineData("-0")]
    [InlineData("45.000000000000001")]
    [InlineData("12.3456789012345678")]
    [InlineData("0.30000000000000004441")]
    public async Task Coordinates_with_many_digits_or_an_exponent_match_double_parse(string text)
    {
        var csv = $"timestamp,lat,lon\n1000,{text},{text}\n";

        var fast = await ReadAsync(csv, fastPath: true);

        var sample = Assert.Single(fast.Samples);
        var expected = double.Parse(text, CultureInfo.InvariantCulture);
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(sample.LatitudeDeg));
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(sample.LongitudeDeg));
    }

    [Fact]
    public async Task Quotes_appearing_only_in_later_rows_are_still_honoured()
    {
        var rows = new StringBuilder("timestamp,note,lat,lon,road_class\n");
        for (var i = 0; i < 50; i++)
        {
            rows.Append(CultureInfo.InvariantCulture, $"{1000 + i},plain,1.{i},2,Primary\n");
        }

        rows.Append("2000,\"has, a comma\",3.5,4.5,\"Motorway\"\n");
        rows.Append("2001,\"say \"\"hi\"\"\",\"5.5\",6.5,\"4\"\n");

        var fast = await ReadAsync(rows.ToString(), fastPath: true);

        Assert.Equal(52, fast.Samples.Count);
        Assert.Equal((2000L, 3.5, 4.5, RoadClass.Motorway), (fast.Samples[50].TimestampUnixMs, fast.Samples[50].LatitudeDeg, fast.Samples[50].LongitudeDeg, fast.Samples[50].RoadClass));
        Assert.Equal((5.5, RoadClass.Secondary), (fast.Samples[51].LatitudeDeg, fast.Samples[51].RoadClass));
        Assert.Empty(fast.Errors);
    }

    [Fact]
    public async Task Very_long_lines_that_straddle_pipe_segments_read_the_same_as_whole()
    {
        // 300 ignored columns make each record about 1.5 KB, far longer than the 7-byte pipe segments it arrives in.
        var padding = string.Concat(Enumerable.Range(0, 300).Select(i => $",x{i}"));
        var csv = new StringBuilder("timestamp,lat,lon,speed_mps" + padding + "\n");
        for (var i = 0; i < 20; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{1000 + i},-25.45{i},-49.2,{i}.25{padding}\r\n");
        }

        var whole = await ReadAsync(csv.ToString(), fastPath: true);
        var split = await ReadAsync(csv.ToString(), fastPath: true, chunks: 7);

        Assert.Equal(20, whole.Samples.Count);
        Assert.Equal(whole.Samples, split.Samples);
        Assert.Equal(-25.4519, split.Samples[19].LatitudeDeg);
        Assert.Equal(19.25f, split.Samples[19].SpeedMps);
    }

    [Fact]
    public async Task A_bad_field_after_good_ones_names_the_same_line_and_field_as_the_general_path()
    {
        var csv = Header + "\n1000,1,2,3,4,5,6,7,8,Primary,1,0,42\n1001,1,2,3,4,5,6,7,8,Primary,maybe,0,42\n1002,1,2,3\n1003,91,2\n";

        var fast = await ReadAsync(csv, fastPath: true);
        var general = await ReadAsync(csv, fastPath: false);

        Assert.Equal(general.Errors, fast.Errors);
        Assert.Equal([3L, 4, 5], fast.Errors.Select(e => e.Record));
        Assert.Equal("phone_handheld", fast.Errors[0].Field);
        Assert.Equal(general.Samples, fast.Samples);
    }

    [Fact]
    public async Task A_numeric_missing_token_is_still_read_as_missing()
    {
        var mapping = new CsvColumnMapping { MissingValues = ["-999"] };
        var csv = "timestamp,lat,lon,speed_mps,event_id\n1000,1,2,-999,-999\n";

        var fast = await ReadAsync(csv, fastPath: true, mapping);

        var sample = Assert.Single(fast.Samples);
        Assert.True(float.IsNaN(sample.SpeedMps));
        Assert.Equal(0, sample.EventId);
    }

    [Property(Arbitrary = [typeof(Records)], MaxTest = 300)]
    public Property Fast_and_general_paths_give_the_same_samples_and_errors(Record[] records, byte mappingChoice)
    {
        var (mapping, header) = Mappings[mappingChoice % Mappings.Length];
        var separator = mapping.Separator.ToString();
        var text = new StringBuilder(header.Replace(",", separator, StringComparison.Ordinal)).Append('\n');
        foreach (var record in records)
        {
            var fields = mapping.DecimalSeparator == ',' ? record.Fields.Select(f => f.Replace('.', ',')) : record.Fields;
            text.Append(string.Join(separator, fields)).Append(record.CarriageReturn ? "\r\n" : "\n");
        }

        var csv = text.ToString();
        var fast = ReadAsync(csv, fastPath: true, mapping).GetAwaiter().GetResult();
        var general = ReadAsync(csv, fastPath: false, mapping).GetAwaiter().GetResult();

        return (fast.Samples.Count == general.Samples.Count
                && fast.Samples.Zip(general.Samples).All(p => SameBits(p.First, p.Second))
                && fast.Errors.SequenceEqual(general.Errors))
            .Label($"fast: {fast.Samples.Count} samples, {fast.Errors.Count} errors; general: {general.Samples.Count} samples, {general.Errors.Count} errors\n{csv}");
    }

    private static readonly (CsvColumnMapping Mapping, string Header)[] Mappings =
    [
        (new CsvColumnMapping(), Header),
        (new CsvColumnMapping { Separator = ';', DecimalSeparator = ',' }, Header),
        (new CsvColumnMapping { MissingValues = ["NA", "-"], NonFiniteAsMissing = false }, "event_id,ignored,timestamp,lat,lon,road_class,speed_mps"),
        (new CsvColumnMapping
        {
            Timestamp = new CsvTimestampMapping { Column = "timestamp", Format = TimestampFormat.UnixSeconds },
            Speed = new CsvNumericColumn("speed_mps") { Unit = MeasurementUnit.KilometresPerHour },
            LongitudinalAcceleration = new CsvNumericColumn("accel_lon_mps2") { Unit = MeasurementUnit.StandardGravity },
        }, Header),
        (new CsvColumnMapping { Timestamp = new CsvTimestampMapping { Column = "timestamp", Format = TimestampFormat.Iso8601, UtcOffset = TimeSpan.FromHours(-3) } }, Header),
        (new CsvColumnMapping { MissingValues = ["0"] }, Header),
    ];

    private static async Task<(List<TelematicsSample> Samples, List<IngestError> Errors)> ReadAsync(string csv, bool fastPath, CsvColumnMapping? mapping = null, int chunks = 0)
    {
        var reader = CsvSampleReader.Create(chunks > 0 ? PipeInput.Text(csv, chunks) : PipeInput.Text(csv), mapping, Skip);
        reader.UseFastPath = fastPath;
        var samples = await PipeInput.ReadAllAsync(reader, chunkCapacity: 5);
        return (samples, [.. reader.Report.Errors]);
    }

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

    /// <summary>One record's field texts, drawn mostly from plain numbers and partly from every shape that must leave the fast path.</summary>
    public sealed record Record(string[] Fields, bool CarriageReturn)
    {
        public override string ToString() => string.Join("|", Fields);
    }

    public static class Records
    {
        private static readonly string[] Odd =
        [
            "", " ", "-", "+1", "1e5", "-1.5E-3", "NaN", "Infinity", "-0", "0.", ".0", ".", "00012", "1,5", "1.5.5", "\"2.5\"", "\"a,b\"",
            "\"x\"\"y\"", "\"open", "NA", "0", "1", "7", "9", "Primary", "motorway", "true", "No", " 4.5", "4.5 ", "12345678901234567890",
            "3.4028235E+39", "2019-08-26T22:17:27Z", "2019-08-26 22:17:27.5+01:00", "2019-08-26T22:17", "1566857847", "1566857847.123",
            "91", "-180.0000001", "4294967296", "\t8", "18446744073709551615", "9223372036854775807", "1\r2",
        ];

        public static Arbitrary<Record> Record()
        {
            var plain = Gen.OneOf(
                Gen.Choose(-100_000, 100_000).Select(i => i.ToString(CultureInfo.InvariantCulture)),
                from i in Gen.Choose(-180, 180)
                from f in Gen.Choose(0, 999_999)
                from d in Gen.Choose(1, 6)
                select string.Create(CultureInfo.InvariantCulture, $"{i}.{(f % (int)Math.Pow(10, d)).ToString(CultureInfo.InvariantCulture).PadLeft(d, '0')}"),
                Gen.Choose(0, 7).Select(i => i.ToString(CultureInfo.InvariantCulture)));
            var field = Gen.Frequency((5, plain), (1, Gen.Elements(Odd)));
            var gen =
                from count in Gen.Choose(0, 15)
                from fields in field.ArrayOf(count)
                from cr in ArbMap.Default.GeneratorFor<bool>()
                select new Record(fields.Length == 0 ? ["1000", "1", "2"] : fields, cr);
            return gen.ToArbitrary();
        }
    }
}
