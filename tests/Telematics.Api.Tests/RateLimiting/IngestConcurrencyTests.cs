using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Telematics.Api.Authorization;
using Telematics.Api.Problems;
using Telematics.Api.RateLimiting;
using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.RateLimiting;

/// <summary>
/// Uploads in flight at once: each holds a database connection until its body ends, so a client may hold only
/// RateLimits:IngestConcurrency:PerClient of them and the host only Total. The held uploads send a body the test ends.
/// </summary>
public sealed class IngestConcurrencyTests
{
    private static readonly Uri Upload = new("/api/v1/test/upload", UriKind.Relative);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_third_upload_from_one_client_while_two_are_held_open_is_429_and_another_client_is_not_affected()
    {
        var entered = new SemaphoreSlim(0);
        await using var host = UploadHost(entered);
        using var alice = host.ClientAs(TestTokens.Create("driver", TestTokens.OwnDriverId, subject: "alice"));
        using var bob = host.ClientAs(TestTokens.Create("driver", TestTokens.OtherDriverId, subject: "bob"));
        var first = new HeldBody();
        var second = new HeldBody();
        var held = new[] { alice.PostAsync(Upload, first), alice.PostAsync(Upload, second) };
        Assert.True(await entered.WaitAsync(Patience) && await entered.WaitAsync(Patience), "both uploads should be reading their bodies");

        using var third = await alice.PostAsync(Upload, new StringContent("x"));
        using var bobs = await bob.PostAsync(Upload, new StringContent("x"));
        first.Release();
        second.Release();
        var done = await Task.WhenAll(held).WaitAsync(Patience);
        using var fourth = await alice.PostAsync(Upload, new StringContent("x"));

        var problem = await ProblemAssert.IsProblemAsync(third, (HttpStatusCode)429, ProblemTypes.RateLimited);
        Assert.Equal("Too many requests.", problem.GetProperty("title").GetString());
        Assert.Contains("in flight", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull(third.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.NoContent, bobs.StatusCode);
        Assert.All(done, response => Assert.Equal(HttpStatusCode.NoContent, response.StatusCode));
        Assert.Equal(HttpStatusCode.NoContent, fourth.StatusCode);
        foreach (var response in done)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Over_the_total_of_the_host_another_client_is_429_too()
    {
        var entered = new SemaphoreSlim(0);
        await using var host = UploadHost(entered).With("RateLimits:IngestConcurrency:Total", "1");
        using var alice = host.ClientAs(TestTokens.Create("driver", TestTokens.OwnDriverId, subject: "alice"));
        using var bob = host.ClientAs(TestTokens.Create("driver", TestTokens.OtherDriverId, subject: "bob"));
        var body = new HeldBody();
        var held = alice.PostAsync(Upload, body);
        Assert.True(await entered.WaitAsync(Patience), "the upload should be reading its body");

        using var bobs = await bob.PostAsync(Upload, new StringContent("x"));
        body.Release();
        using var done = await held.WaitAsync(Patience);

        var problem = await ProblemAssert.IsProblemAsync(bobs, (HttpStatusCode)429, ProblemTypes.RateLimited);
        Assert.Contains("all clients", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
    }

    [Fact]
    public async Task An_upload_that_fails_or_is_abandoned_gives_its_permit_back()
    {
        var entered = new SemaphoreSlim(0);
        await using var host = UploadHost(entered);
        using var alice = host.ClientAs(TestTokens.Create("driver", TestTokens.OwnDriverId, subject: "alice"));

        // Two uploads the handler fails on, and two the client gives up on while they are reading their bodies.
        for (var i = 0; i < 2; i++)
        {
            using var failed = await alice.PostAsync(Upload, new StringContent("fail"));
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        using (var abandon = new CancellationTokenSource())
        {
            var abandoned = new[] { alice.PostAsync(Upload, new HeldBody(), abandon.Token), alice.PostAsync(Upload, new HeldBody(), abandon.Token) };
            Assert.True(await entered.WaitAsync(Patience) && await entered.WaitAsync(Patience), "both uploads should be reading their bodies");
            await abandon.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(abandoned)).WaitAsync(Patience);
        }

        // Had any of the four kept its permit, one of these two at once would be refused; the server releases an
        // abandoned upload's permit when it sees the abort, so wait for that rather than for a fixed time.
        var deadline = DateTime.UtcNow + Patience;
        HttpStatusCode[] statuses;
        do
        {
            var first = new HeldBody();
            var second = new HeldBody();
            var both = new[] { alice.PostAsync(Upload, first), alice.PostAsync(Upload, second) };
            first.Release();
            second.Release();
            var responses = await Task.WhenAll(both).WaitAsync(Patience);
            statuses = [.. responses.Select(r => r.StatusCode)];
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
        while (statuses.Any(s => s != HttpStatusCode.NoContent) && DateTime.UtcNow < deadline && await Task.Delay(100).ContinueWith(_ => true));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.NoContent, status));
    }

    [Theory]
    [InlineData("PerClient", "0")]
    [InlineData("Total", "0")]
    public async Task A_cap_outside_its_documented_range_stops_the_host_at_start(string key, string value)
    {
        await using var host = new ApiHost().With("RateLimits:IngestConcurrency:" + key, value);

        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        Assert.Contains("IngestConcurrency", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_Kestrel_an_upload_must_send_its_body_at_the_ingest_minimum_rate_and_other_routes_at_the_server_one()
    {
        await using var host = new ApiHost().With("RequestLimits:MinIngestBodyBytesPerSecond", "4096").WithRoutes(api =>
        {
            api.MapPost("/test/upload-rate", MinimumRate).RequirePermission(Permission.TelematicsWrite).RequireIngestLimits();
            api.MapPost("/test/other-rate", MinimumRate).RequirePermission(Permission.TelematicsWrite);
        });
        host.UseKestrel(0);
        host.StartServer();
        using var client = host.ClientAs(TestTokens.Driver());

        using var upload = await client.PostAsync(new Uri("/api/v1/test/upload-rate", UriKind.Relative), new StringContent("x"));
        using var other = await client.PostAsync(new Uri("/api/v1/test/other-rate", UriKind.Relative), new StringContent("x"));

        Assert.Equal("4096", await upload.Content.ReadAsStringAsync());
        Assert.Equal("240", await other.Content.ReadAsStringAsync()); // Kestrel's default
    }

    private static string MinimumRate(HttpContext http) =>
        http.Features.Get<IHttpMinRequestBodyDataRateFeature>()?.MinDataRate?.BytesPerSecond.ToString(CultureInfo.InvariantCulture) ?? "none";

    // An upload that says when it is reading its body, and reads it to the end like the ingest routes.
    private static ApiHost UploadHost(SemaphoreSlim entered) =>
        new ApiHost().WithRoutes(api => api.MapPost("/test/upload", async (HttpContext http) =>
            {
                using var reader = new StreamReader(http.Request.Body);
                var first = new char[1];
                await reader.ReadBlockAsync(first, http.RequestAborted);
                if (first[0] == 'f')
                {
                    throw new InvalidOperationException("The handler fails, as an upload the database refuses does.");
                }

                entered.Release();
                await reader.ReadToEndAsync(http.RequestAborted);
                return Results.NoContent();
            })
            .RequirePermission(Permission.TelematicsWrite)
            .RequireIngestLimits());

    /// <summary>A body that sends its first byte at once and the rest only when released, as a slow phone does.</summary>
    private sealed class HeldBody : HttpContent
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync("t"u8.ToArray());
            await stream.FlushAsync();
            await _released.Task;
            await stream.WriteAsync("ail"u8.ToArray());
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
