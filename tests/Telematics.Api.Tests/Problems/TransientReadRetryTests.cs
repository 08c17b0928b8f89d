using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Npgsql;
using Telematics.Api.Problems;
using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.Problems;

public sealed class TransientReadRetryTests
{
    private static NpgsqlException Refused() => new("connection refused", new SocketException((int)SocketError.ConnectionRefused));

    [Fact]
    public async Task A_read_that_meets_a_transient_failure_is_tried_again_and_succeeds()
    {
        var calls = 0;
        await using var host = new ApiHost().WithRoutes(api => api.MapGet("/test/flaky-read", () => ++calls == 1 ? throw Refused() : Results.Ok(calls)));
        using var client = host.ClientAs(TestTokens.Admin());

        using var response = await client.GetAsync(new Uri("/api/v1/test/flaky-read", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_read_that_keeps_failing_is_tried_three_times_then_503()
    {
        var calls = 0;
        await using var host = new ApiHost().WithRoutes(api => api.MapGet("/test/down-read", IResult () => { calls++; throw Refused(); }));
        using var client = host.ClientAs(TestTokens.Admin());

        using var response = await client.GetAsync(new Uri("/api/v1/test/down-read", UriKind.Relative));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, ProblemTypes.Unavailable);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task A_write_is_never_retried_and_a_bug_is_never_retried()
    {
        var writes = 0;
        var bugs = 0;
        await using var host = new ApiHost().WithRoutes(api =>
        {
            api.MapPost("/test/down-write", IResult () => { writes++; throw Refused(); });
            api.MapGet("/test/buggy-read", IResult () => { bugs++; throw new InvalidOperationException("a bug"); });
        });
        using var client = host.ClientAs(TestTokens.Admin());

        using var write = await client.PostAsync(new Uri("/api/v1/test/down-write", UriKind.Relative), null);
        using var bug = await client.GetAsync(new Uri("/api/v1/test/buggy-read", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, bug.StatusCode);
        Assert.Equal((1, 1), (writes, bugs));
    }
}
