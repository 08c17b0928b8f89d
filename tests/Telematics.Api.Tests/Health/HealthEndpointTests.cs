using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.Health;

public sealed class HealthEndpointTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Ready_is_200_when_the_database_answers()
    {
        await using var factory = HostWith(database.ConnectionString);
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("database", body.GetProperty("checks")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Ready_is_503_with_the_reason_for_an_operator_and_the_status_alone_for_anyone_else()
    {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", "Host=127.0.0.1;Port=1;Username=nobody;Password=none;Timeout=2");
        using var operatorClient = host.ClientAs(TestTokens.Admin());
        using var anonymous = host.ClientAs(null);
        using var analyst = host.ClientAs(TestTokens.Create("analyst"));

        using var response = await operatorClient.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        var check = body.GetProperty("checks")[0];
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        Assert.StartsWith("PostgreSQL is unreachable:", check.GetProperty("description").GetString(), StringComparison.Ordinal);
        foreach (var client in new[] { anonymous, analyst })
        {
            using var plain = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            var text = await plain.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, plain.StatusCode);
            Assert.Contains("\"Unhealthy\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
            Assert.DoesNotContain("unreachable", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_database_route_while_migrations_wait_is_503_in_our_words_without_the_servers_address()
    {
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", "Host=127.0.0.1;Port=1;Username=nobody;Password=none;Timeout=2");
        using var driver = host.ClientAs(TestTokens.Driver("7"));

        using var response = await driver.GetAsync(new Uri("/api/v1/risk/7/score", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("not ready yet", text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("PostgreSQL", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_is_200_even_when_the_database_is_unreachable()
    {
        await using var factory = HostWith("Host=127.0.0.1;Port=1;Username=nobody;Password=none;Timeout=2");
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", (await ReadJsonAsync(response)).GetProperty("status").GetString());
    }

    private static WebApplicationFactory<Program> HostWith(string connectionString) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(host => host.UseSetting("ConnectionStrings:Telematics", connectionString));

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
