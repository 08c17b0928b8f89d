using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Telematics.Api.Caching;
using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.Observability;

public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_are_scraped_in_prometheus_format_without_a_token()
    {
        await using var host = new ApiHost();
        using var client = host.ClientAs(null);
        using var warmUp = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        var cache = host.Services.GetRequiredService<ApiCache>();
        await cache.GetOrCreateAsync("k", _ => ValueTask.FromResult(1), [CacheTags.Models], CancellationToken.None);

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("telematics_api_cache_lookups_total{", text, StringComparison.Ordinal);
        Assert.Contains("result=\"miss\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Instruments_of_the_scoring_meter_are_exported()
    {
        await using var host = new ApiHost();
        using var client = host.ClientAs(null);
        using var warmUp = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        var meter = host.Services.GetRequiredService<IMeterFactory>().Create("Telematics.Scoring");
        meter.CreateCounter<long>("telematics.scoring.api_test_probe").Add(3);

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("telematics_scoring_api_test_probe_total{otel_scope_name=\"Telematics.Scoring\"} 3", text, StringComparison.Ordinal);
    }
}
