using System.Text;
using System.Text.Json;
using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.OpenApi;

/// <summary>Every JSON request body and JSON success response in the OpenAPI document carries an example of its schema's shape.</summary>
/// <remarks>The tests read the one document a default host serves: they share the class's host.</remarks>
public sealed class OpenApiExampleTests(ClassHost classHost) : IClassFixture<ClassHost>
{
    private async Task<JsonElement> DocumentAsync()
    {
        var host = classHost.Get();
        using var client = host.ClientAs(null);
        using var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await ProblemAssert.JsonAsync(response);
    }

    private static IEnumerable<(string Name, JsonElement Operation)> Operations(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                yield return ($"{operation.Name.ToUpperInvariant()} {path.Name}", operation.Value);
            }
        }
    }

    private static IEnumerable<(string Where, JsonElement Media)> JsonContents(JsonElement operation)
    {
        if (operation.TryGetProperty("requestBody", out var body) && body.GetProperty("content").TryGetProperty("application/json", out var request))
        {
            yield return ("request body", request);
        }

        foreach (var status in new[] { "200", "201" })
        {
            if (operation.GetProperty("responses").TryGetProperty(status, out var response)
                && response.TryGetProperty("content", out var content)
                && content.TryGetProperty("application/json", out var media))
            {
                yield return (status + " response", media);
            }
        }
    }

    [Fact]
    public async Task Every_json_body_and_json_success_response_has_an_example()
    {
        var document = await DocumentAsync();

        var missing = new StringBuilder();
        var covered = 0;
        foreach (var (name, operation) in Operations(document))
        {
            foreach (var (where, media) in JsonContents(operation))
            {
                if (media.TryGetProperty("example", out _))
                {
                    covered++;
                }
                else
                {
                    missing.AppendLine($"{name}: {where} has no example");
                }
            }
        }

        Assert.True(missing.Length == 0, missing.ToString());
        Assert.True(covered >= 45, $"only {covered} examples");
    }

    [Fact]
    public async Task Every_declared_request_body_content_type_has_an_example()
    {
        var document = await DocumentAsync();

        var missing = new StringBuilder();
        var declared = 0;
        foreach (var (name, operation) in Operations(document))
        {
            if (!operation.TryGetProperty("requestBody", out var body))
            {
                continue;
            }

            foreach (var media in body.GetProperty("content").EnumerateObject())
            {
                declared++;
                if (!media.Value.TryGetProperty("example", out _) && !media.Value.TryGetProperty("examples", out _))
                {
                    missing.AppendLine($"{name}: request body {media.Name} has no example");
                }
            }
        }

        Assert.True(missing.Length == 0, missing.ToString());
        Assert.True(declared >= 10, $"only {declared} request body content types");
    }

    [Fact]
    public async Task The_upload_declares_json_ndjson_and_csv_and_the_text_formats_are_strings()
    {
        var document = await DocumentAsync();

        var content = document.GetProperty("paths").GetProperty("/api/v1/telematics/events").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content");

        Assert.Equal(["application/json", "application/x-ndjson", "text/csv"], content.EnumerateObject().Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.Array, content.GetProperty("application/json").GetProperty("example").ValueKind);
        foreach (var text in new[] { "application/x-ndjson", "text/csv" })
        {
            Assert.Equal("string", content.GetProperty(text).GetProperty("schema").GetProperty("type").GetString());
            Assert.Equal(JsonValueKind.String, content.GetProperty(text).GetProperty("example").ValueKind);
        }

        Assert.StartsWith("timestamp,lat,lon,", content.GetProperty("text/csv").GetProperty("example").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_example_object_has_only_properties_its_schema_declares_and_all_it_requires()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");

        var failures = new StringBuilder();
        foreach (var (name, operation) in Operations(document))
        {
            foreach (var (where, media) in JsonContents(operation))
            {
                if (media.TryGetProperty("example", out var example) && media.TryGetProperty("schema", out var schema))
                {
                    Check(schema, example, schemas, $"{name} {where}", failures, depth: 0);
                }
            }
        }

        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Fact]
    public async Task Examples_are_serialized_like_responses_camel_case_with_iso_dates()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");

        var score = paths.GetProperty("/api/v1/risk/{driverId}/score").GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("example");
        var dashboard = paths.GetProperty("/api/v1/admin/dashboard/summary").GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("example");

        Assert.Equal(1042, score.GetProperty("driverId").GetInt64());
        Assert.InRange(score.GetProperty("score").GetDouble(), 0, 100);
        Assert.Equal("good", score.GetProperty("category").GetString());
        Assert.Equal(new DateTimeOffset(2026, 3, 31, 2, 15, 7, TimeSpan.Zero), score.GetProperty("scoredAt").GetDateTimeOffset());
        Assert.Equal("2026-03-01", dashboard.GetProperty("from").GetString());
    }

    // Resolves $ref and walks objects and arrays: an example property the schema does not declare, or a required one the
    // example leaves out, is a failure. Type checks stay with the serializer, which produced the example from the real record.
    private static void Check(JsonElement schema, JsonElement example, JsonElement schemas, string where, StringBuilder failures, int depth)
    {
        if (depth > 8)
        {
            return;
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var id = reference.GetString()!["#/components/schemas/".Length..];
            Check(schemas.GetProperty(id), example, schemas, where, failures, depth + 1);
            return;
        }

        if (example.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            foreach (var item in example.EnumerateArray())
            {
                Check(items, item, schemas, where + "[]", failures, depth + 1);
            }

            return;
        }

        if (example.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties))
        {
            return;
        }

        foreach (var property in example.EnumerateObject())
        {
            if (properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Check(propertySchema, property.Value, schemas, where + "." + property.Name, failures, depth + 1);
            }
            else
            {
                failures.AppendLine($"{where}: example has {property.Name}, which the schema does not declare");
            }
        }

        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
            {
                if (!example.TryGetProperty(name, out _))
                {
                    failures.AppendLine($"{where}: example lacks required {name}");
                }
            }
        }
    }
}
