using System.Globalization;
using System.Text;
using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Binary;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Ingest.Json;
using Telematics.Features.Ingest.Ndjson;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest;

/// <summary>
/// The plausible window and physical bounds hold in every reader alike: the same implausible record is the same bad
/// record (record, field, reason) in CSV, NDJSON, a JSON array and the binary format, refused or skipped with its reason.
/// </summary>
public sealed class PlausibilityTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly long GoodMs = Now.AddHours(-1).ToUnixTimeMilliseconds();

    public enum Format
    {
        Csv,
        Ndjson,
        JsonArray,
        Binary,
    }

    /// <summary>An implausible value of one field: its canonical name, its text, its binary value and what the error must say.</summary>
    public static TheoryData<Format, string, string, string> Implausible()
    {
        var cases = new (string Field, string Text, string Reason)[]
        {
            ("timestamp", "-62135596800000", "before 2000-01-01T00:00:00Z"),
            ("timestamp", "0", "before 2000-01-01T00:00:00Z"),
            ("timestamp", Now.AddHours(48).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), "after 2026-03-16T12:00:00Z"),
            ("speed_mps", "-50", "negative"),
            ("speed_mps", "150", "above 100 m/s"),
            ("speed_mps", "1e300", "finite"),
            ("accel_lon_mps2", "-80", "±50 m/s²"),
            ("accel_lat_mps2", "51", "±50 m/s²"),
            ("gps_accuracy_m", "-1", "GPS accuracy"),
            ("heading_deg", "400", "heading"),
        };
        var data = new TheoryData<Format, string, string, string>();
        foreach (var format in Enum.GetValues<Format>())
        {
            foreach (var (field, text, reason) in cases)
            {
                data.Add(format, field, text, reason);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Implausible))]
    public async Task An_implausible_value_is_a_bad_record_naming_the_record_and_field_in_every_format(Format format, string field, string text, string reason)
    {
        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => ReadAsync(format, Body(format, field, text), Reject()));

        Assert.Equal(SecondRecord(format), error.Record);
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Implausible))]
    public async Task In_skip_mode_the_implausible_record_is_skipped_with_its_reason_and_the_good_one_kept(Format format, string field, string text, string reason)
    {
        var options = new SampleReaderOptions { BadRecords = BadRecordHandling.SkipAndReport, TimeProvider = new FixedClock(Now) };
        var (samples, report) = await ReadAsync(format, Body(format, field, text), options);

        var sample = Assert.Single(samples);
        Assert.Equal(GoodMs, sample.TimestampUnixMs);
        var skipped = Assert.Single(report.Errors);
        Assert.Equal(field, skipped.Field);
        Assert.Contains(reason, skipped.Reason, StringComparison.Ordinal);
    }

    public static TheoryData<Format, string, string> Edges()
    {
        var data = new TheoryData<Format, string, string>();
        foreach (var format in Enum.GetValues<Format>())
        {
            data.Add(format, "timestamp", new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            data.Add(format, "timestamp", Now.AddHours(24).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            data.Add(format, "speed_mps", "0");
            data.Add(format, "speed_mps", "100");
            data.Add(format, "accel_lon_mps2", "-50");
            data.Add(format, "gps_accuracy_m", "50000");
            data.Add(format, "heading_deg", "-360");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Edges))]
    public async Task Values_on_the_bounds_are_accepted(Format format, string field, string text)
    {
        var (samples, report) = await ReadAsync(format, Body(format, field, text), Reject());

        Assert.Equal(2, samples.Count);
        Assert.Equal(0, report.RejectedCount);
    }

    [Fact]
    public async Task The_window_is_configurable_and_now_comes_from_the_time_provider()
    {
        var narrow = new SampleReaderOptions
        {
            Plausibility = new SamplePlausibility { EarliestTimestamp = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), MaxAheadOfNow = TimeSpan.Zero },
            TimeProvider = new FixedClock(Now),
        };
        var february = new DateTimeOffset(2026, 2, 28, 23, 59, 59, TimeSpan.Zero).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var aSecondAhead = Now.AddSeconds(1).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var unlimited = new SampleReaderOptions { Plausibility = new SamplePlausibility { MaxAheadOfNow = null }, TimeProvider = new FixedClock(Now) };
        var in2090 = new DateTimeOffset(2090, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

        var early = await Assert.ThrowsAsync<TelematicsFormatException>(() => ReadAsync(Format.Csv, Body(Format.Csv, "timestamp", february), narrow));
        var ahead = await Assert.ThrowsAsync<TelematicsFormatException>(() => ReadAsync(Format.Ndjson, Body(Format.Ndjson, "timestamp", aSecondAhead), narrow));
        var (far, _) = await ReadAsync(Format.Binary, Body(Format.Binary, "timestamp", in2090), unlimited);

        Assert.Contains("before 2026-03-01T00:00:00Z", early.Reason, StringComparison.Ordinal);
        Assert.Contains("after 2026-03-15T12:00:00Z", ahead.Reason, StringComparison.Ordinal);
        Assert.Equal(2, far.Count);
    }

    [Fact]
    public async Task Csv_speed_written_as_infinity_is_refused_while_nan_stays_missing()
    {
        var csv = $"timestamp,lat,lon,speed_mps\n{GoodMs},1,2,NaN\n{GoodMs + 1000},1,2,-Infinity\n";

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => ReadAsync(Format.Csv, Encoding.UTF8.GetBytes(csv), Reject()));

        Assert.Equal(3, error.Record);
        Assert.Equal("speed_mps", error.Field);
        Assert.Equal("not a finite number", error.Reason);
    }

    [Fact]
    public async Task A_mapped_csv_names_its_own_column()
    {
        var mapping = new CsvColumnMapping
        {
            Timestamp = new CsvTimestampMapping { Column = "t" },
            Latitude = "y",
            Longitude = "x",
            Speed = new CsvNumericColumn("v"),
        };
        var csv = $"t,y,x,v\n{GoodMs},1,2,-3\n";

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(async () =>
        {
            await using var reader = CsvSampleReader.Create(PipeInput.Text(csv), mapping, Reject());
            await PipeInput.ReadAllAsync(reader);
        });

        Assert.Equal("v", error.Field);
        Assert.Equal("the speed is negative", error.Reason);
    }

    private static SampleReaderOptions Reject() => new() { TimeProvider = new FixedClock(Now) };

    private static long SecondRecord(Format format) => format == Format.Csv ? 3 : 2;

    /// <summary>A good first record, then one whose <paramref name="field"/> is <paramref name="text"/>.</summary>
    private static byte[] Body(Format format, string field, string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["timestamp"] = (GoodMs + 1000).ToString(CultureInfo.InvariantCulture),
            ["speed_mps"] = "10",
        };
        fields[field] = text;
        var good = $"{GoodMs},1,2,10";
        switch (format)
        {
            case Format.Csv:
                return Encoding.UTF8.GetBytes($"timestamp,lat,lon,speed_mps{Extra(fields, ",", names: true)}\n{good}{Extra(fields, ",", names: false, pad: true)}\n" +
                    $"{fields["timestamp"]},1,2,{fields["speed_mps"]}{Extra(fields, ",", names: false)}\n");
            case Format.Ndjson:
            case Format.JsonArray:
                var first = $"{{\"timestamp\":{GoodMs},\"lat\":1,\"lon\":2,\"speed_mps\":10}}";
                var second = "{" + string.Join(',', new[] { "\"lat\":1", "\"lon\":2" }.Concat(fields.Select(f => $"\"{f.Key}\":{f.Value}"))) + "}";
                return Encoding.UTF8.GetBytes(format == Format.Ndjson ? $"{first}\n{second}\n" : $"[{first},{second}]");
            default:
                var sample = new TelematicsSample(long.Parse(fields["timestamp"], CultureInfo.InvariantCulture), 1, 2)
                {
                    SpeedMps = Single(fields["speed_mps"]),
                    LongitudinalAccelMps2 = fields.TryGetValue("accel_lon_mps2", out var lon) ? Single(lon) : float.NaN,
                    LateralAccelMps2 = fields.TryGetValue("accel_lat_mps2", out var lat) ? Single(lat) : float.NaN,
                    GpsAccuracyM = fields.TryGetValue("gps_accuracy_m", out var accuracy) ? Single(accuracy) : float.NaN,
                    HeadingDeg = fields.TryGetValue("heading_deg", out var heading) ? Single(heading) : float.NaN,
                };
                return Binary.BinarySampleTests.WriteAsync([new TelematicsSample(GoodMs, 1, 2) { SpeedMps = 10 }, sample]).GetAwaiter().GetResult();
        }
    }

    /// <summary>The CSV columns beyond the four base ones (names, values, or empty cells for the good record).</summary>
    private static string Extra(Dictionary<string, string> fields, string separator, bool names, bool pad = false)
    {
        var extra = fields.Where(f => f.Key is not ("timestamp" or "speed_mps")).ToList();
        if (extra.Count == 0)
        {
            return string.Empty;
        }

        return separator + string.Join(separator, extra.Select(f => names ? f.Key : pad ? string.Empty : f.Value));
    }

    private static float Single(string text) => float.Parse(text, CultureInfo.InvariantCulture);

    private static async Task<(List<TelematicsSample> Samples, IngestReport Report)> ReadAsync(Format format, byte[] bytes, SampleReaderOptions options)
    {
        var input = PipeInput.Chunked(bytes, 5);
        SampleReader reader = format switch
        {
            Format.Csv => CsvSampleReader.Create(input, options: options),
            Format.Ndjson => NdjsonSampleReader.Create(input, options),
            Format.JsonArray => JsonArraySampleReader.Create(input, options),
            _ => BinarySampleReader.Create(input, options),
        };
        var report = reader.Report;
        var samples = await PipeInput.ReadAllAsync(reader);
        return (samples, report);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
