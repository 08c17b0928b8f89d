using System.Globalization;
using System.Net;
using System.Text.Json;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.OpenApi;

/// <summary>The upload's documented example bodies are what its readers take: each one, sent as its content type, is stored whole.</summary>
public sealed class IngestBodyExampleTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Each_documented_upload_example_is_accepted_as_its_content_type_with_every_record_stored()
    {
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);
        using var anonymous = host.ClientAs(null);
        using var admin = host.ClientAs(TestTokens.Admin());
        using var documentResponse = await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var content = (await ProblemAssert.JsonAsync(documentResponse)).GetProperty("paths").GetProperty("/api/v1/telematics/events")
            .GetProperty("post").GetProperty("requestBody").GetProperty("content");

        var sent = new List<string>();
        foreach (var media in content.EnumerateObject())
        {
            var example = media.Value.GetProperty("example");
            var (body, records) = example.ValueKind == JsonValueKind.Array
                ? (example.GetRawText(), example.GetArrayLength())
                : (example.GetString()!, Records(media.Name, example.GetString()!));
            var driver = await DrivingBodies.CreateDriverAsync(admin, "openapi-example-" + Guid.NewGuid().ToString("N"));

            using var response = await admin.PostAsync(
                new Uri(string.Create(CultureInfo.InvariantCulture, $"/api/v1/telematics/events?driverId={driver}"), UriKind.Relative),
                DrivingBodies.Content(body, media.Name));
            var result = await ProblemAssert.JsonAsync(response);

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{media.Name}: {result}");
            Assert.True(records >= 3, $"{media.Name}: only {records} records");
            Assert.Equal(records, result.GetProperty("accepted").GetInt64());
            Assert.Equal(0, result.GetProperty("rejected").GetInt64());
            sent.Add(media.Name);
        }

        Assert.Equal(["application/json", "application/x-ndjson", "text/csv"], sent.Order(StringComparer.Ordinal));
    }

    // Non-blank lines; CSV's first is the header.
    private static int Records(string mediaType, string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;
        return mediaType == "text/csv" ? lines - 1 : lines;
    }
}
