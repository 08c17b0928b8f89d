using System.Net;
using System.Text.Json;

using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.OpenApi;

/// <summary>The published document's server comes from configuration, never from the request's Host header.</summary>
public sealed class ServerUrlTests
{
    private static async Task<JsonElement> ServersAsync(ApiHost host, string hostHeader)
    {
        using var client = host.ClientAs(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/openapi/v1.json", UriKind.Relative));
        request.Headers.Host = hostHeader;
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("servers").Clone();
    }

    [Fact]
    public async Task Without_a_configured_url_the_server_is_relative_whatever_the_host_header()
    {
        // Every host name allowed, as behind a proxy that checks them: the document must not take the name either way.
        await using var host = new ApiHost().With("AllowedHosts", "*");

        var servers = await ServersAsync(host, "attacker.example");

        Assert.Equal(1, servers.GetArrayLength());
        Assert.Equal("/", servers[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_configured_url_is_the_one_server()
    {
        await using var host = new ApiHost().With("OpenApi:ServerUrl", "https://api.insurer.example").With("AllowedHosts", "*");

        var servers = await ServersAsync(host, "attacker.example");

        Assert.Equal("https://api.insurer.example", servers[0].GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")] // DNS rebinding would otherwise reach the Development-only anonymous POST /auth/token
    public async Task A_request_for_an_unlisted_host_is_refused(string environment)
    {
        await using var host = new ApiHost(environment);
        using var client = host.ClientAs(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/health/live", UriKind.Relative));
        request.Headers.Host = "attacker.example";

        using var refused = await client.SendAsync(request);
        using var allowed = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }
}
