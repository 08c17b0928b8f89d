using System.Text.Json.Nodes;

using Microsoft.OpenApi;

using Telematics.Api.Ingest;

namespace Telematics.Api.OpenApi;

/// <content>The multipart body of <c>POST /telematics/drivers/{driverId}/phone-recordings</c>.</content>
internal static partial class ApiExamples
{
    /// <summary>
    /// The schema of the phone recording body — file parts named <c>files</c>, each a per-sensor CSV whose file name says
    /// which sensor — and an example naming the parts a phone logger sends.
    /// </summary>
    /// <returns>The schema and the example.</returns>
    public static (OpenApiSchema Schema, JsonNode Example) PhoneRecordingParts()
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "One part per sensor file, each named by its file name (" + string.Join(", ", PhoneRecordingForm.FileNames) +
                "): time,x,y,z CSV with epoch times; accelerometer (or linear acceleration) and gyroscope are required.",
            Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
            {
                ["files"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                },
            },
        };
        var example = new JsonObject
        {
            ["files"] = new JsonArray(
                "accelerometer.csv: time,x,y,z\n1772524800000000000,0.12,9.79,0.31\n…",
                "gyroscope.csv: time,x,y,z\n1772524800000000000,0.002,-0.011,0.004\n…"),
        };
        return (schema, example);
    }
}
