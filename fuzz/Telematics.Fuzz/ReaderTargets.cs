using System.Text;

using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Binary;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Ingest.Json;
using Telematics.Features.Ingest.Ndjson;
using Telematics.Features.Samples;

namespace Telematics.Fuzz;

/// <summary>The sample readers: each input is read to the end in reject mode and again in skip mode.</summary>
internal static class ReaderTargets
{
    // A fixed clock: the plausible window ("not after now + 24 h") must not move under the fuzzer.
    private static readonly TimeProvider Clock = new FixedClock(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    private static readonly CsvColumnMapping MappedCsv = CsvColumnMapping.FromJson("""
        {
          "separator": ";",
          "decimal_separator": ",",
          "missing_values": ["NPI"],
          "timestamp": { "format": "date_and_time", "date_column": "DAY", "date_format": "d/M/yyyy", "time_column": "TIME", "time_format": "HH:mm:ss", "utc_offset": "-03:00:00" },
          "latitude": "LAT",
          "longitude": "LONG",
          "speed": { "column": "SPD_KMH", "unit": "kmh" }
        }
        """);

    public static IEnumerable<FuzzTarget> All()
    {
        yield return new("csv", "CsvSampleReader, default columns", input => ReadBoth(input, (stream, options) => CsvSampleReader.FromStream(stream, null, options)));
        yield return new("csv-mapped", "CsvSampleReader through a semicolon, decimal-comma, date-and-time mapping", input => ReadBoth(input, (stream, options) => CsvSampleReader.FromStream(stream, MappedCsv, options)));
        yield return new("ndjson", "NdjsonSampleReader", input => ReadBoth(input, NdjsonSampleReader.FromStream));
        yield return new("json", "JsonArraySampleReader", input => ReadBoth(input, JsonArraySampleReader.FromStream));
        yield return new("binary", "BinarySampleReader (TLMS)", input => ReadBoth(input, BinarySampleReader.FromStream));
    }

    /// <summary>Reads <paramref name="csv"/> through <paramref name="mapping"/> (what the mapping target does with a mapping that loads).</summary>
    public static string? ReadWithMapping(CsvColumnMapping mapping, string csv) =>
        ReadBoth(Encoding.UTF8.GetBytes(csv), (stream, options) => CsvSampleReader.FromStream(stream, mapping, options));

    // The refusal in reject mode, if any (skip mode must then read on without throwing anything else).
    private static string? ReadBoth(byte[] input, Func<Stream, SampleReaderOptions?, bool, SampleReader> create)
    {
        string? refusal = null;
        foreach (var mode in new[] { BadRecordHandling.Reject, BadRecordHandling.SkipAndReport })
        {
            var options = new SampleReaderOptions { BadRecords = mode, TimeProvider = Clock, MaxRecordBytes = 1 << 16 };
            try
            {
                Read(create(new MemoryStream(input, writable: false), options, false));
            }
            catch (TelematicsFormatException bad)
            {
                // Documented: a bad record in reject mode, or input that cannot be read at all.
                refusal ??= bad.Message;
            }
        }

        return refusal;
    }

    private static string? ReadBoth(byte[] input, Func<Stream, SampleReaderOptions?, SampleReader> create) =>
        ReadBoth(input, (stream, options, _) => create(stream, options));

    private static void Read(SampleReader reader)
    {
        var buffer = new SampleBuffer(64);
        try
        {
            while (!reader.ReadAsync(buffer).AsTask().GetAwaiter().GetResult().IsCompleted)
            {
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
