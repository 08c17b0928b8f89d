using System.Net;
using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.Security;

public sealed class SecurityHeadersTests(ClassHost classHost) : IClassFixture<ClassHost>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/api/v1/auth/me")]
    [InlineData("/api/v1/does-not-exist")]
    public async Task Every_response_carries_the_security_headers_and_no_server_header(string path)
    {
        // A header of every answer, whatever the host served before: the cases share the class's host.
        var host = classHost.Get();
        using var client = host.ClientAs(null);

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.Equal("frame-ancestors 'none'", Single(response, "Content-Security-Policy"));
        Assert.Equal("no-referrer", Single(response, "Referrer-Policy"));
        Assert.False(response.Headers.Contains("Server"));
    }

    [Theory]
    [InlineData("/dashboard")]
    [InlineData("/Dashboard")]
    [InlineData("/DASHBOARD/drivers/1")]
    public async Task The_dashboards_policy_holds_whatever_the_letter_case_of_its_path(string path)
    {
        // Routing matches paths case-insensitively, so the policy must too, or /Dashboard serves the app without it.
        // A header of every answer, whatever the host served before: the cases share the class's host.
        var host = classHost.Get();
        using var client = host.ClientAs(null);

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Contains("script-src 'self'", Single(response, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kestrel_does_not_announce_itself()
    {
        await using var host = new ApiHost();
        host.UseKestrel(0);
        host.StartServer();
        using var client = host.ClientAs(null);

        using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Headers.Server);
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
    }

    private static string Single(HttpResponseMessage response, string header) =>
        Assert.Single(response.Headers.TryGetValues(header, out var values) ? values : []);
}
