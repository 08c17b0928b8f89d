using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Telematics.Api.Problems;
using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.Authorization;

public sealed class FallbackPolicyTests
{
    private static readonly Uri Unguarded = new("/api/v1/test/unguarded", UriKind.Relative);

    [Fact]
    public async Task An_endpoint_mapped_without_any_policy_is_closed_to_anonymous_callers()
    {
        await using var host = new ApiHost().WithRoutes(api => api.MapGet("/test/unguarded", () => Results.Ok("reached")));
        using var anonymous = host.ClientAs(null);
        using var driver = host.ClientAs(TestTokens.Driver());

        using var asAnonymous = await anonymous.GetAsync(Unguarded);
        using var asDriver = await driver.GetAsync(Unguarded);

        await ProblemAssert.IsProblemAsync(asAnonymous, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, asDriver.StatusCode);
    }

    [Fact]
    public async Task A_route_that_does_not_exist_is_404_problem_even_without_a_token()
    {
        await using var host = new ApiHost();
        using var client = host.ClientAs(null);

        using var response = await client.GetAsync(new Uri("/api/v1/no-such-thing", UriKind.Relative));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }
}
