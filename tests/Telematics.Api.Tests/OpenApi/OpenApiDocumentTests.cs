using System.Net;
using System.Text.Json;
using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.OpenApi;

/// <remarks>The tests read what a default host serves without a token, the same for each: they share the class's host.</remarks>
public sealed class OpenApiDocumentTests(ClassHost classHost) : IClassFixture<ClassHost>
{
    [Fact]
    public async Task The_document_is_valid_json_and_declares_the_bearer_scheme()
    {
        var host = classHost.Get();
        using var client = host.ClientAs(null);

        using var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var document = await ProblemAssert.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var bearer = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        Assert.Equal("JWT", bearer.GetProperty("bearerFormat").GetString());
    }

    [Fact]
    public async Task Protected_operations_require_the_bearer_scheme_and_anonymous_ones_do_not()
    {
        var host = classHost.Get();
        using var client = host.ClientAs(null);

        using var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var paths = (await ProblemAssert.JsonAsync(response)).GetProperty("paths");

        var me = paths.GetProperty("/api/v1/auth/me").GetProperty("get");
        Assert.True(me.GetProperty("security")[0].TryGetProperty("Bearer", out _));
        Assert.False(string.IsNullOrEmpty(me.GetProperty("summary").GetString()));
        var token = paths.GetProperty("/api/v1/auth/token").GetProperty("post");
        Assert.False(token.TryGetProperty("security", out _));
        Assert.False(token.GetProperty("responses").TryGetProperty("401", out _));
        Assert.True(me.GetProperty("responses").TryGetProperty("401", out _));
    }

    [Fact]
    public async Task The_browsable_reference_is_served_without_a_token()
    {
        var host = classHost.Get();
        using var client = host.ClientAs(null);

        using var response = await client.GetAsync(new Uri("/scalar/v1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
