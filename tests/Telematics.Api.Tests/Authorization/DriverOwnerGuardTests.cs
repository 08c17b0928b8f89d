using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Telematics.Api.Authorization;
using Telematics.Api.Problems;
using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.Authorization;

/// <remarks>
/// The tests on the guarded routes as they are share the class's host: the guard's answer depends on the token and the
/// path alone. The test that adds a driver to the routes starts its own.
/// </remarks>
public sealed class DriverOwnerGuardTests(ClassHost classHost) : IClassFixture<ClassHost>
{
    private const string MissingDriverId = "drv-missing";

    [Fact]
    public async Task A_driver_reaches_its_own_driver()
    {
        var host = classHost.Get(Guarded);
        using var client = host.ClientAs(TestTokens.Driver());

        using var response = await client.GetAsync(Probe(TestTokens.OwnDriverId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_driver_is_forbidden_another_drivers_data()
    {
        var host = classHost.Get(Guarded);
        using var client = host.ClientAs(TestTokens.Driver());

        using var response = await client.GetAsync(Probe(TestTokens.OtherDriverId));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
    }

    [Fact]
    public async Task A_driver_gets_403_not_404_for_a_driver_that_does_not_exist()
    {
        var host = classHost.Get(Guarded);
        using var driver = host.ClientAs(TestTokens.Driver());
        using var admin = host.ClientAs(TestTokens.Admin());

        using var asDriver = await driver.GetAsync(Probe(MissingDriverId));
        using var asAdmin = await admin.GetAsync(Probe(MissingDriverId));

        // The admin sees that the driver is missing; the driver cannot tell missing from someone else's.
        Assert.Equal(HttpStatusCode.NotFound, asAdmin.StatusCode);
        await ProblemAssert.IsProblemAsync(asDriver, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("analyst")]
    public async Task Admins_and_analysts_reach_every_driver(string role)
    {
        var host = classHost.Get(Guarded);
        using var client = host.ClientAs(TestTokens.ForRole(role));

        using var own = await client.GetAsync(Probe(TestTokens.OwnDriverId));
        using var other = await client.GetAsync(Probe(TestTokens.OtherDriverId));

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task A_driver_token_without_a_driver_id_reaches_no_driver()
    {
        var host = classHost.Get(Guarded);
        using var client = host.ClientAs(TestTokens.Create("driver"));

        using var response = await client.GetAsync(Probe(TestTokens.OwnDriverId));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_guid_driver_id_matches_whatever_its_letter_case()
    {
        var id = Guid.NewGuid();
        await using var host = GuardedHost(id.ToString("D").ToUpperInvariant());
        using var client = host.ClientAs(TestTokens.Driver(id.ToString("D")));

        using var response = await client.GetAsync(Probe(id.ToString("D").ToUpperInvariant()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_numeric_driver_id_matches_by_value_not_by_text()
    {
        await using var host = GuardedHost("7");
        using var client = host.ClientAs(TestTokens.Driver("07"));

        // Driver routes take the id as a number ({driverId:long} binds "07" and "7" alike): so does the guard.
        using var response = await client.GetAsync(Probe("7"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_guard_does_not_replace_the_permission_check()
    {
        var host = classHost.Get(Guarded);
        using var client = host.ClientAs(TestTokens.Driver());

        // Own driver, but the driver role lacks pricing:write.
        using var response = await client.PostAsync(new Uri($"/api/v1/test/drivers/{TestTokens.OwnDriverId}/write-probe", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static Uri Probe(string driverId) => new($"/api/v1/test/drivers/{driverId}/probe", UriKind.Relative);

    private static ApiHost Guarded() => GuardedHost();

    private static ApiHost GuardedHost(string? extraDriver = null)
    {
        var known = new HashSet<string>(StringComparer.Ordinal) { TestTokens.OwnDriverId, TestTokens.OtherDriverId };
        if (extraDriver is not null)
        {
            known.Add(extraDriver);
        }

        return new ApiHost().WithRoutes(api =>
        {
            api.MapGet("/test/drivers/{driverId}/probe", (string driverId) =>
                    known.Contains(driverId) ? Results.Ok(driverId) : Results.NotFound())
                .RequirePermission(Permission.RiskRead)
                .RequireDriverOwner();
            api.MapPost("/test/drivers/{driverId}/write-probe", (string driverId) => Results.NoContent())
                .RequirePermission(Permission.PricingWrite)
                .RequireDriverOwner();
        });
    }
}
