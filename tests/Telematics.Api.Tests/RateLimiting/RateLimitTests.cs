using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Telematics.Api.Authorization;
using Telematics.Api.Problems;
using Telematics.Api.RateLimiting;
using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.RateLimiting;

public sealed class RateLimitTests
{
    private static readonly Uri Ingest = new("/api/v1/test/ingest", UriKind.Relative);

    [Fact]
    public async Task The_request_after_the_limit_is_429_problem_with_retry_after()
    {
        await using var host = LimitedHost(permits: 2, windowSeconds: 120);
        using var client = host.ClientAs(TestTokens.Driver());

        using var first = await client.PostAsync(Ingest, null);
        using var second = await client.PostAsync(Ingest, null);
        using var third = await client.PostAsync(Ingest, null);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        var body = await ProblemAssert.IsProblemAsync(third, (HttpStatusCode)429, ProblemTypes.RateLimited);
        var retryAfter = third.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 120);
        Assert.Contains("ingest", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_client_has_its_own_budget()
    {
        await using var host = LimitedHost(permits: 1, windowSeconds: 120);
        using var alice = host.ClientAs(TestTokens.Create("driver", TestTokens.OwnDriverId, subject: "alice"));
        using var bob = host.ClientAs(TestTokens.Create("driver", TestTokens.OtherDriverId, subject: "bob"));

        using var aliceFirst = await alice.PostAsync(Ingest, null);
        using var aliceSecond = await alice.PostAsync(Ingest, null);
        using var bobFirst = await bob.PostAsync(Ingest, null);

        Assert.Equal(HttpStatusCode.NoContent, aliceFirst.StatusCode);
        Assert.Equal((HttpStatusCode)429, aliceSecond.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, bobFirst.StatusCode);
    }

    [Fact]
    public async Task A_limit_outside_its_documented_range_stops_the_host_at_start()
    {
        await using var host = new ApiHost().With("RateLimits:Batch:PermitLimit", "0");

        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        Assert.Contains("RateLimits", error.ToString(), StringComparison.Ordinal);
    }

    private static ApiHost LimitedHost(int permits, int windowSeconds) =>
        new ApiHost()
            .With("RateLimits:Ingest:PermitLimit", permits.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("RateLimits:Ingest:WindowSeconds", windowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithRoutes(api => api.MapPost("/test/ingest", () => Results.NoContent())
                .RequirePermission(Permission.TelematicsWrite)
                .RequireRateLimiting(RateLimitPolicies.Ingest));
}
