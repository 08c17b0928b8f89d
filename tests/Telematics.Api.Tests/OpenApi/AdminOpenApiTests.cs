using System.Text;
using System.Text.Json;
using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.OpenApi;

/// <summary>The model, experiment and admin operations are fully described in the OpenAPI document.</summary>
/// <remarks>The tests read what a default host serves without a token, the same for each: they share the class's host.</remarks>
public sealed class AdminOpenApiTests(ClassHost classHost) : IClassFixture<ClassHost>
{
    private static readonly string[] Prefixes = ["/api/v1/models", "/api/v1/experiments", "/api/v1/admin"];

    [Fact]
    public async Task Every_model_experiment_and_admin_operation_has_a_summary_description_typed_success_and_problem_responses()
    {
        var host = classHost.Get();
        using var client = host.ClientAs(null);
        using var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var paths = (await ProblemAssert.JsonAsync(response)).GetProperty("paths");

        var failures = new StringBuilder();
        var operations = 0;
        foreach (var path in paths.EnumerateObject().Where(p => Prefixes.Any(prefix => p.Name.StartsWith(prefix, StringComparison.Ordinal))))
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put"))
            {
                operations++;
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                var op = operation.Value;
                if (string.IsNullOrWhiteSpace(op.TryGetProperty("summary", out var s) ? s.GetString() : null))
                {
                    failures.AppendLine($"{name}: no summary");
                }

                if (string.IsNullOrWhiteSpace(op.TryGetProperty("description", out var d) ? d.GetString() : null))
                {
                    failures.AppendLine($"{name}: no description");
                }

                var responses = op.GetProperty("responses");
                var success = responses.EnumerateObject().FirstOrDefault(r => r.Name is "200" or "201");
                if (success.Value.ValueKind != JsonValueKind.Object || !success.Value.TryGetProperty("content", out var content) || !content.TryGetProperty("application/json", out _))
                {
                    failures.AppendLine($"{name}: no typed JSON success response");
                }

                foreach (var status in new[] { "401", "403" })
                {
                    if (!responses.TryGetProperty(status, out _))
                    {
                        failures.AppendLine($"{name}: no {status} response");
                    }
                }
            }
        }

        Assert.Equal(14, operations);
        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Fact]
    public async Task The_experiment_put_body_and_the_promotion_body_have_schemas()
    {
        var host = classHost.Get();
        using var client = host.ClientAs(null);
        using var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var paths = (await ProblemAssert.JsonAsync(response)).GetProperty("paths");

        var put = paths.GetProperty("/api/v1/experiments/{name}").GetProperty("put");
        var promote = paths.GetProperty("/api/v1/models/{name}/aliases").GetProperty("post");

        Assert.True(put.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").TryGetProperty("schema", out _));
        Assert.True(promote.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").TryGetProperty("schema", out _));
        Assert.True(put.GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(promote.GetProperty("responses").TryGetProperty("404", out _));
        Assert.True(promote.GetProperty("responses").TryGetProperty("409", out _));
    }
}
