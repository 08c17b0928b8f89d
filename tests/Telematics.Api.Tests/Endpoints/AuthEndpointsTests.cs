using System.Net;
using System.Net.Http.Json;
using System.Text;
using Telematics.Api.Authorization;
using Telematics.Api.Problems;
using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.Endpoints;

public sealed class AuthEndpointsTests(ClassHost classHost) : IClassFixture<ClassHost>
{
    private static readonly Uri Token = new("/api/v1/auth/token", UriKind.Relative);
    private static readonly Uri Me = new("/api/v1/auth/me", UriKind.Relative);

    [Theory]
    [InlineData("admin", null)]
    [InlineData("analyst", null)]
    [InlineData("driver", "drv-42")]
    public async Task Me_returns_subject_role_permissions_and_driver_of_a_development_token(string role, string? driverId)
    {
        await using var host = new ApiHost();
        using var anonymous = host.ClientAs(null);
        var token = await DevelopmentTokens.IssueAsync(anonymous, "carol", role, driverId);
        using var client = host.ClientAs(token);

        using var response = await client.GetAsync(Me);
        var body = await ProblemAssert.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("carol", body.GetProperty("subject").GetString());
        Assert.Equal(role, body.GetProperty("role").GetString());
        var expected = RolePermissions.Of(role).ToArray().Select(p => p.ToName()).ToArray();
        var actual = body.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!).ToArray();
        Assert.Equal(expected, actual);
        Assert.Equal(driverId, body.GetProperty("driverId").GetString());
    }

    [Fact]
    public async Task Permissions_follow_the_documented_table()
    {
        await using var host = new ApiHost();
        var analyst = await MePermissionsAsync(host, TestTokens.Analyst());
        var driver = await MePermissionsAsync(host, TestTokens.Driver());
        var admin = await MePermissionsAsync(host, TestTokens.Admin());

        Assert.Equal(["drivers:read", "risk:read", "pricing:read", "models:read", "dashboard:read"], analyst);
        Assert.Equal(["drivers:read", "telematics:write", "risk:read", "pricing:read", "locations:read"], driver);
        Assert.Equal(13, admin.Length);
        Assert.Contains("risk:batch", admin);
        Assert.Contains("audit:read", admin);
    }

    [Fact]
    public async Task An_issued_token_is_not_cacheable_and_says_when_it_expires()
    {
        await using var host = new ApiHost();
        using var client = host.ClientAs(null);

        using var response = await client.PostAsJsonAsync(Token, new { subject = "erin", role = "analyst" });
        var body = await ProblemAssert.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.Equal(3600, body.GetProperty("expiresIn").GetInt32());
        Assert.True(body.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(59));
    }

    [Fact]
    public async Task The_token_endpoint_does_not_exist_outside_Development()
    {
        await using var host = new ApiHost(environment: "Production");
        using var client = host.ClientAs(null);

        using var response = await client.PostAsJsonAsync(Token, new { subject = "mallory", role = "admin" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }

    [Fact]
    public async Task Me_still_works_outside_Development_with_an_externally_issued_token()
    {
        await using var host = new ApiHost(environment: "Production");
        using var client = host.ClientAs(TestTokens.Driver());

        using var response = await client.GetAsync(Me);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestTokens.OwnDriverId, (await ProblemAssert.JsonAsync(response)).GetProperty("driverId").GetString());
    }

    [Theory]
    [InlineData("""{"subject":"","role":"admin"}""", "subject")]
    [InlineData("""{"subject":"x","role":"boss"}""", "role")]
    [InlineData("""{"subject":"x","role":"driver"}""", "driverId")]
    [InlineData("""{"subject":"x","role":"driver","driverId":"../etc"}""", "driverId")]
    [InlineData("""{"subject":"x","role":"admin","driverId":"drv-1"}""", "driverId")]
    [InlineData("""{"subject":"x","role":"driver","driverId":"07"}""", "driverId")]
    [InlineData("""{"subject":"x","role":"driver","driverId":"00"}""", "driverId")]
    [InlineData("""{"subject":"x","role":7}""", "role")]
    [InlineData("""{"subject":"x",""", "body")]
    public async Task An_invalid_token_request_is_a_validation_problem_naming_the_field(string json, string field)
    {
        // The refusal depends on the body alone: the cases share the class's host.
        var host = classHost.Get();
        using var client = host.ClientAs(null);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(Token, content);

        var body = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out var messages), $"errors should name '{field}': {body}");
        Assert.NotEmpty(messages.EnumerateArray());
    }

    private static async Task<string[]> MePermissionsAsync(ApiHost host, string token)
    {
        using var client = host.ClientAs(token);
        using var response = await client.GetAsync(Me);
        return (await ProblemAssert.JsonAsync(response)).GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!).ToArray();
    }
}
