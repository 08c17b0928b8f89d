using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Telematics.Api.Authorization;
using Telematics.Api.Problems;
using Telematics.Api.RequestLimits;
using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.RequestLimits;

/// <summary>Runs on real Kestrel: the in-memory test server does not enforce body limits.</summary>
public sealed class RequestBodyLimitTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _host = new ApiHost()
            .With("RequestLimits:MaxRequestBodyBytes", "2048")
            .WithRoutes(api =>
            {
                api.MapPost("/test/small", ReadBodyAsync).RequirePermission(Permission.TelematicsWrite);
                api.MapPost("/test/large", ReadBodyAsync).RequirePermission(Permission.TelematicsWrite).WithRequestBodyLimit(16_384);
            });
        _host.UseKestrel(0);
        _host.StartServer();
        _client = _host.ClientAs(TestTokens.Driver());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_body_within_the_server_limit_is_read()
    {
        using var response = await PostAsync("/api/v1/test/small", 1_000);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1000", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_body_over_the_server_limit_is_413_problem()
    {
        using var response = await PostAsync("/api/v1/test/small", 4_096);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
    }

    [Fact]
    public async Task An_endpoint_override_raises_the_limit_for_that_endpoint_only()
    {
        using var large = await PostAsync("/api/v1/test/large", 8_192);
        using var tooLarge = await PostAsync("/api/v1/test/large", 32_768);

        Assert.Equal(HttpStatusCode.OK, large.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, int bytes)
    {
        using var content = new ByteArrayContent(new byte[bytes]);
        return await _client.PostAsync(new Uri(path, UriKind.Relative), content);
    }

    private static async Task<IResult> ReadBodyAsync(HttpRequest request)
    {
        var buffer = new byte[4096];
        long total = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return Results.Text(total.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
