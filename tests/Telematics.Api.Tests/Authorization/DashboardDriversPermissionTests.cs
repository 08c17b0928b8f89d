using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.Authorization;

/// <summary>
/// The dashboard's driver list names drivers, their external refs and premiums: personal data, not an aggregate, so
/// dashboard:read alone (meant for aggregates over the book) does not reach it. No role holds dashboard:read without
/// drivers:read today, so the guard is checked on the endpoint rather than by a caller.
/// </summary>
public sealed class DashboardDriversPermissionTests
{
    [Theory]
    [InlineData("/api/v1/admin/dashboard/drivers", new[] { "dashboard:read", "drivers:read" })]
    [InlineData("/api/v1/admin/dashboard/summary", new[] { "dashboard:read" })]
    [InlineData("/api/v1/admin/dashboard/risk-distribution", new[] { "dashboard:read" })]
    [InlineData("/api/v1/admin/dashboard/trip-activity", new[] { "dashboard:read" })]
    public async Task Each_dashboard_endpoint_requires_exactly_its_permissions(string route, string[] permissions)
    {
        await using var host = new ApiHost();
        using var client = host.ClientAs(null);
        var endpoint = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Single(e => e.RoutePattern.RawText == route);

        var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Order(StringComparer.Ordinal);

        Assert.Equal(permissions, policies);
    }
}
