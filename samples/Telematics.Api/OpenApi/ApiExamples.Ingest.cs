using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Telematics.Api.Endpoints;
using Telematics.Api.Ingest;
using Telematics.Features.Ingest.Csv;

namespace Telematics.Api.OpenApi;

/// <content>The upload body in each media type <c>POST /telematics/events</c> reads: the same records as JSON, NDJSON and CSV.</content>
internal static partial class ApiExamples
{
    /// <summary>
    /// Four 1 Hz samples of driver 1,042 heading east on a Paris primary road (50 km/h limit) at 09:00 local time,
    /// 3 March 2026, braking gently; the last one has no GPS accuracy or speed limit (optional fields left out).
    /// </summary>
    private static IngestSample[] UploadSamples { get; } =
    [
        new(1772524800000L, 48.856614, 2.352222, 12.8f, 88.0f, 0.31f, -0.06f, 4.0f, 13.89f, "primary", false, false, 900001),
        new(1772524801000L, 48.856618, 2.352397, 12.9f, 88.2f, 0.12f, -0.04f, 4.0f, 13.89f, "primary", false, false, 900002),
        new(1772524802000L, 48.856621, 2.352571, 12.1f, 88.1f, -0.84f, 0.02f, 3.5f, 13.89f, "primary", false, false, 900003),
        new(1772524803000L, 48.856623, 2.352735, 11.2f, 87.9f, -0.95f, 0.03f, null, null, "primary", false, false, 900004),
    ];

    /// <summary>
    /// The example body of a text media type (not <c>application/json</c>) for a request body declared as
    /// <paramref name="bodyType"/>: NDJSON and CSV for the event upload, in the exact wire format its readers take.
    /// </summary>
    /// <param name="bodyType">The declared request body type.</param>
    /// <param name="mediaType">The media type, as declared.</param>
    /// <param name="json">The host's JSON options (NDJSON lines use its names and formats).</param>
    /// <param name="text">The body text, with a final line break.</param>
    /// <returns>Whether there is an example for the pair.</returns>
    public static bool TryGetText(Type bodyType, string mediaType, JsonSerializerOptions json, [NotNullWhen(true)] out string? text)
    {
        text = bodyType == typeof(IngestSample[]) ? mediaType switch
        {
            TelematicsEndpoints.Ndjson => Ndjson(UploadSamples, json),
            TelematicsEndpoints.Csv => Csv(UploadSamples),
            _ => null,
        } : null;
        return text is not null;
    }

    // One object per line, serialized like the JSON array's elements; a null optional field is left out.
    private static string Ndjson(IngestSample[] samples, JsonSerializerOptions json)
    {
        var lines = new JsonSerializerOptions(json) { WriteIndented = false, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
        var text = new StringBuilder();
        foreach (var sample in samples)
        {
            text.Append(JsonSerializer.Serialize(sample, lines)).Append('\n');
        }

        return text.ToString();
    }

    // The canonical columns (CsvSampleWriter.Header) the default mapping reads; a missing optional value is an empty field,
    // flags are 1/0, the road class its name.
    private static string Csv(IngestSample[] samples)
    {
        var text = new StringBuilder(CsvSampleWriter.Header).Append('\n');
        foreach (var s in samples)
        {
            text.AppendJoin(
                ',',
                Convert.ToString(s.Timestamp, CultureInfo.InvariantCulture),
                s.Lat.ToString("R", CultureInfo.InvariantCulture),
                s.Lon.ToString("R", CultureInfo.InvariantCulture),
                Number(s.Speed_mps),
                Number(s.Heading_deg),
                Number(s.Accel_lon_mps2),
                Number(s.Accel_lat_mps2),
                Number(s.Gps_accuracy_m),
                Number(s.Speed_limit_mps),
                s.Road_class ?? string.Empty,
                Flag(s.Phone_handheld),
                Flag(s.Phone_interaction),
                s.Event_id?.ToString(CultureInfo.InvariantCulture) ?? string.Empty).Append('\n');
        }

        return text.ToString();

        static string Number(float? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty;
        static string Flag(bool? value) => value switch { true => "1", false => "0", null => string.Empty };
    }
}
