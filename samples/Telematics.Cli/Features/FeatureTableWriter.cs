using System.Globalization;
using System.Text;
using System.Text.Json;
using Telematics.Cli.Events;
using Telematics.Cli.Output;
using Telematics.Features.Schema;

namespace Telematics.Cli.Features;

/// <summary>
/// Writes a driver's trips and the driver's aggregate as a table: CSV with a <c>kind</c> column (<c>trip</c> or
/// <c>driver</c>) or JSON (<c>{ "driver": {...}, "trips": [...] }</c>). Times are ISO 8601 UTC; a missing feature is
/// an empty CSV cell or JSON null.
/// </summary>
internal static class FeatureTableWriter
{
    public static Task WriteCsvAsync(string path, EventPipelineResult result) => OutputFile.WriteTextAsync(path, async writer =>
    {
        var schema = TelematicsFeatures.Schema;
        var line = new StringBuilder("kind,driver_id,trip,start_utc,end_utc,samples");
        for (var i = 0; i < schema.Count; i++)
        {
            line.Append(',').Append(schema.Features[i].Name);
        }

        await writer.WriteLineAsync(line.ToString());
        for (var t = 0; t < result.Trips.Count; t++)
        {
            var trip = result.Trips[t];
            line.Clear();
            line.Append(CultureInfo.InvariantCulture, $"trip,{CsvText.Cell(result.File.DriverId)},{t + 1},{Utc(trip.StartUnixMs)},{Utc(trip.EndUnixMs)},{trip.SampleCount}");
            AppendFeatures(line, trip.Features.Span);
            await writer.WriteLineAsync(line.ToString());
        }

        var (start, end, samples) = Span(result);
        line.Clear();
        line.Append(CultureInfo.InvariantCulture, $"driver,{CsvText.Cell(result.File.DriverId)},,{start},{end},{samples}");
        AppendFeatures(line, DriverVector(result));
        await writer.WriteLineAsync(line.ToString());
    });

    public static Task WriteJsonAsync(string path, EventPipelineResult result) => OutputFile.WriteAsync(path, async stream =>
    {
        await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        var (start, end, samples) = Span(result);
        json.WriteStartObject();
        json.WritePropertyName("driver");
        json.WriteStartObject();
        json.WriteString("driver_id", result.File.DriverId);
        json.WriteNumber("trips", result.Trips.Count);
        WriteRow(json, start, end, samples, DriverVector(result));
        json.WriteEndObject();
        json.WriteStartArray("trips");
        for (var t = 0; t < result.Trips.Count; t++)
        {
            var trip = result.Trips[t];
            json.WriteStartObject();
            json.WriteNumber("trip", t + 1);
            WriteRow(json, Utc(trip.StartUnixMs), Utc(trip.EndUnixMs), trip.SampleCount, trip.Features.Span);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    /// <summary>
    /// The driver's telematics@1 vector over the file's trips. Without a trip only the totals are known (0 km, 0 hours,
    /// 0 trips): every share and rate is 0/0 and left missing rather than written as 0, which would read as a driver who
    /// never drives at night, never speeds and never brakes hard (and <c>score</c> refuses such a driver).
    /// </summary>
    public static float[] DriverVector(EventPipelineResult result)
    {
        var vector = new float[TelematicsFeatures.Schema.Count];
        if (result.Trips.Count == 0)
        {
            Array.Fill(vector, float.NaN);
            foreach (var total in Totals)
            {
                vector[TelematicsFeatures.Schema.IndexOf(total)] = 0;
            }

            return vector;
        }

        result.Driver.Aggregate.WriteFeatures(vector);
        return vector;
    }

    private static readonly string[] Totals = [TelematicsFeatures.DistanceKm, TelematicsFeatures.DrivingHours, TelematicsFeatures.TripCount];

    private static void WriteRow(Utf8JsonWriter json, string start, string end, long samples, ReadOnlySpan<float> features)
    {
        json.WriteString("start_utc", start);
        json.WriteString("end_utc", end);
        json.WriteNumber("samples", samples);
        json.WriteStartObject("features");
        var schema = TelematicsFeatures.Schema;
        for (var i = 0; i < schema.Count; i++)
        {
            if (float.IsFinite(features[i]))
            {
                json.WriteNumber(schema.Features[i].Name, features[i]);
            }
            else
            {
                json.WriteNull(schema.Features[i].Name);
            }
        }

        json.WriteEndObject();
    }

    private static void AppendFeatures(StringBuilder line, ReadOnlySpan<float> features)
    {
        for (var i = 0; i < features.Length; i++)
        {
            line.Append(',');
            if (float.IsFinite(features[i]))
            {
                line.Append(features[i].ToString("R", CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>Whole days from the first trip's start to the last trip's end (at least 1): the window of a file when none is given.</summary>
    public static double SpanDays(EventPipelineResult result) =>
        result.Trips.Count == 0 ? 1 : SpanDays(result.Trips[0].StartUnixMs, result.Trips[^1].EndUnixMs);

    /// <summary>Whole days from <paramref name="startUnixMs"/> to <paramref name="endUnixMs"/>, at least 1: the rule of <see cref="SpanDays(EventPipelineResult)"/>.</summary>
    public static double SpanDays(long startUnixMs, long endUnixMs) =>
        Math.Max(1, Math.Ceiling((endUnixMs - startUnixMs) / 86_400_000.0));

    private static (string Start, string End, long Samples) Span(EventPipelineResult result)
    {
        if (result.Trips.Count == 0)
        {
            return (string.Empty, string.Empty, 0);
        }

        long samples = 0;
        foreach (var trip in result.Trips)
        {
            samples += trip.SampleCount;
        }

        return (Utc(result.Trips[0].StartUnixMs), Utc(result.Trips[^1].EndUnixMs), samples);
    }

    private static string Utc(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
