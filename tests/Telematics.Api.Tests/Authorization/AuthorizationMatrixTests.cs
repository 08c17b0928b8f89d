using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.Authorization;

/// <summary>
/// Calls every endpoint the product host maps, as every kind of caller, and compares the status with the table below.
/// An endpoint missing from the table fails the test, so a new endpoint must declare who may call it here.
/// </summary>
public sealed class AuthorizationMatrixTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    /// <summary>Any status but 401 and 403: the caller got past authorization (what it then gets depends on the request).</summary>
    private const int Reached = 0;

    // Driver ids are numeric (the drivers table's id); no driver with this id exists in the fresh database.
    private const string MatrixDriverId = "1";

    // Route values used when calling: a driver-owned route is called with the driver caller's own id.
    private static readonly Dictionary<string, string> RouteValues = new(StringComparer.Ordinal)
    {
        ["documentName"] = "v1",
        ["driverId"] = MatrixDriverId,
        ["tripId"] = "1",
        ["batchId"] = "0193a5b2-7c41-7d3e-9f00-1234567890ab",
    };

    // Expected status per caller, in the order anonymous, admin, analyst, driver. POSTs carry an empty JSON object.
    private static readonly Dictionary<string, int[]> Expected = new(StringComparer.Ordinal)
    {
        ["GET /health/live"] = [200, 200, 200, 200],
        ["GET /health/ready"] = [200, 200, 200, 200],
        ["GET /metrics"] = [200, 200, 200, 200],
        ["GET /openapi/{documentName}.json"] = [200, 200, 200, 200],
        ["GET /scalar/{documentName?}"] = [Reached, Reached, Reached, Reached],
        ["GET /scalar/scalar.js"] = [200, 200, 200, 200],
        ["GET /scalar/scalar.aspnetcore.js"] = [200, 200, 200, 200],
        ["GET /scalar/favicon.svg"] = [200, 200, 200, 200],
        ["POST /api/v1/auth/token"] = [400, 400, 400, 400],

        // The live hub: any signed-in caller may connect (what it then receives is confined to its groups, LiveHubTests).
        ["GET /hubs/live/negotiate"] = [401, Reached, Reached, Reached],
        ["GET /hubs/live"] = [401, Reached, Reached, Reached],
        // The dashboard: page shells and Blazor's circuit are open to anyone, and hold no data. Every figure is fetched through
        // /api/v1 with the token the user signed in with (tests/Telematics.Dashboard.Tests: a driver is refused another driver).
        ["GET /dashboard"] = [200, 200, 200, 200],
        ["POST /dashboard"] = [Reached, Reached, Reached, Reached],
        ["GET /dashboard/signin"] = [200, 200, 200, 200],
        ["POST /dashboard/signin"] = [Reached, Reached, Reached, Reached],
        ["GET /dashboard/drivers"] = [200, 200, 200, 200],
        ["POST /dashboard/drivers"] = [Reached, Reached, Reached, Reached],
        ["GET /dashboard/drivers/{driverId:long}"] = [200, 200, 200, 200],
        ["POST /dashboard/drivers/{driverId:long}"] = [Reached, Reached, Reached, Reached],
        ["GET /dashboard/models"] = [200, 200, 200, 200],
        ["POST /dashboard/models"] = [Reached, Reached, Reached, Reached],
        ["GET /dashboard/audit"] = [200, 200, 200, 200],
        ["POST /dashboard/audit"] = [Reached, Reached, Reached, Reached],
        ["GET /_blazor/negotiate"] = [Reached, Reached, Reached, Reached],
        ["GET /_blazor"] = [Reached, Reached, Reached, Reached],
        ["GET /_blazor/disconnect/"] = [Reached, Reached, Reached, Reached],
        ["GET /_blazor/initializers/"] = [Reached, Reached, Reached, Reached],
        ["GET /_framework/opaque-redirect"] = [Reached, Reached, Reached, Reached],
        ["GET /api/v1/auth/me"] = [401, 200, 200, 200],
        ["POST /api/v1/drivers/"] = [401, 400, 403, 403],
        ["GET /api/v1/drivers/"] = [401, 200, 200, 200],
        ["GET /api/v1/drivers/{driverId:long}"] = [401, 404, 404, 404],
        ["PATCH /api/v1/drivers/{driverId:long}"] = [401, 400, 403, 403],
        ["DELETE /api/v1/drivers/{driverId:long}"] = [401, 404, 403, 403],
        ["GET /api/v1/models/"] = [401, 200, 200, 403],
        ["GET /api/v1/models/{name}/versions"] = [401, 404, 404, 403],
        ["POST /api/v1/models/{name}/aliases"] = [401, 400, 403, 403],
        ["GET /api/v1/experiments/"] = [401, 200, 200, 403],
        ["GET /api/v1/experiments/{name}"] = [401, 404, 404, 403],
        ["PUT /api/v1/experiments/{name}"] = [401, 400, 403, 403],
        ["GET /api/v1/experiments/{name}/metrics"] = [401, 404, 404, 403],
        ["GET /api/v1/admin/dashboard/summary"] = [401, 200, 200, 403],
        ["GET /api/v1/admin/dashboard/drivers"] = [401, 200, 200, 403],
        ["GET /api/v1/admin/dashboard/risk-distribution"] = [401, 200, 200, 403],
        ["GET /api/v1/admin/dashboard/trip-activity"] = [401, 200, 200, 403],
        ["GET /api/v1/admin/audit"] = [401, 200, 403, 403],
        ["POST /api/v1/admin/audit/verify"] = [401, 200, 403, 403],
        ["GET /api/v1/admin/partitions"] = [401, 200, 403, 403],
        ["POST /api/v1/telematics/events"] = [401, 400, 403, 404],
        // A JSON body is not a recording (multipart/form-data): 415 once past authorization; a driver only for its own id.
        ["POST /api/v1/telematics/drivers/{driverId:long}/phone-recordings"] = [401, 415, 403, 415],
        ["GET /api/v1/telematics/batches/{batchId:guid}"] = [401, 404, 404, 404],
        ["GET /api/v1/telematics/trips/{tripId:long}"] = [401, 404, 404, 404],
        ["GET /api/v1/telematics/trips/{tripId:long}/path"] = [401, 404, 403, 404],
        ["GET /api/v1/drivers/{driverId:long}/trips"] = [401, 200, 200, 200],
        ["GET /api/v1/drivers/{driverId:long}/trips/summary"] = [401, 200, 200, 200],
        ["GET /api/v1/drivers/{driverId:long}/statistics"] = [401, 200, 200, 200],
        ["GET /api/v1/drivers/{driverId:long}/summary"] = [401, 404, 404, 404],
        ["GET /api/v1/drivers/{driverId:long}/alerts"] = [401, 200, 200, 200],
        ["GET /api/v1/drivers/{driverId:long}/risk-factors"] = [401, 404, 404, 404],
        ["GET /api/v1/risk/{driverId:long}/score"] = [401, 404, 404, 404],
        ["GET /api/v1/risk/{driverId:long}/breakdown"] = [401, 404, 404, 404],
        ["GET /api/v1/risk/{driverId:long}/history"] = [401, 200, 200, 200],
        ["GET /api/v1/risk/{driverId:long}/trend"] = [401, 200, 200, 200],
        ["GET /api/v1/risk/{driverId:long}/recommendations"] = [401, 404, 404, 404],
        ["POST /api/v1/risk/{driverId:long}/recalculate"] = [401, 404, 403, 403],
        ["POST /api/v1/risk/batch-calculate"] = [401, 400, 403, 403],
        ["GET /api/v1/pricing/{driverId:long}/current"] = [401, 404, 404, 404],
        ["GET /api/v1/pricing/{driverId:long}/breakdown"] = [401, 404, 404, 404],
        ["GET /api/v1/pricing/{driverId:long}/history"] = [401, 200, 200, 200],
        ["POST /api/v1/pricing/{driverId:long}/recalculate"] = [401, 404, 403, 403],
        ["POST /api/v1/pricing/{driverId:long}/simulate"] = [401, 404, 403, 403],
    };

    private static readonly string[] Callers = ["anonymous", "admin", "analyst", "driver"];

    [Fact]
    public async Task Every_endpoint_answers_every_role_as_the_table_says()
    {
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);
        using var anonymous = host.ClientAs(null);
        var clients = new[] { anonymous, host.ClientAs(TestTokens.Admin()), host.ClientAs(TestTokens.Analyst()), host.ClientAs(TestTokens.Driver(MatrixDriverId)) };
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToArray();

        var failures = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                var key = $"{method} {endpoint.RoutePattern.RawText}";
                seen.Add(key);
                if (!Expected.TryGetValue(key, out var expected))
                {
                    failures.AppendLine($"{key}: not in the authorization table; add a row saying who may call it.");
                    continue;
                }

                var url = Fill(endpoint.RoutePattern);
                for (var caller = 0; caller < Callers.Length; caller++)
                {
                    var actual = await SendAsync(clients[caller], method, url);
                    var ok = expected[caller] == Reached ? actual is not (401 or 403) : actual == expected[caller];
                    if (!ok)
                    {
                        failures.AppendLine($"{key} as {Callers[caller]}: expected {Describe(expected[caller])}, got {actual}.");
                    }
                }
            }
        }

        foreach (var stale in Expected.Keys.Where(k => !seen.Contains(k)))
        {
            failures.AppendLine($"{stale}: in the table but not mapped; remove the row.");
        }

        foreach (var client in clients)
        {
            client.Dispose();
        }

        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Fact]
    public async Task Every_endpoint_that_is_not_explicitly_anonymous_requires_authorization()
    {
        await using var host = new ApiHost();
        using var client = host.ClientAs(null);
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

        var open = endpoints
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null)
            .Select(e => e.RoutePattern.RawText)
            .ToArray();

        // The documented anonymous surface: health, metrics, the API description, the Development token endpoint, and the
        // dashboard's page shells and Blazor circuit (no data: the pages call /api/v1 with the signed-in user's token).
        Assert.All(open, pattern => Assert.True(
            pattern is "/health/live" or "/health/ready" or "/metrics" or "/api/v1/auth/token"
                || pattern!.StartsWith("/openapi/", StringComparison.Ordinal) || pattern.StartsWith("/scalar", StringComparison.Ordinal)
                || pattern.StartsWith("/dashboard", StringComparison.Ordinal) || pattern.StartsWith("/_blazor", StringComparison.Ordinal)
                || pattern == "/_framework/opaque-redirect",
            $"{pattern} is anonymous but not in the documented anonymous list"));
    }

    private static string Fill(RoutePattern pattern)
    {
        var path = pattern.RawText ?? "/";
        foreach (var parameter in pattern.Parameters)
        {
            var value = RouteValues.GetValueOrDefault(parameter.Name, parameter.IsOptional ? string.Empty : "x");
            var start = path.IndexOf('{', StringComparison.Ordinal);
            while (start >= 0)
            {
                var end = path.IndexOf('}', start);
                var token = path[(start + 1)..end].TrimStart('*');
                if (token.Split(':', '?', '=')[0] == parameter.Name)
                {
                    path = path[..start] + value + path[(end + 1)..];
                    break;
                }

                start = path.IndexOf('{', end);
            }
        }

        return path.EndsWith('/') && path.Length > 1 ? path.TrimEnd('/') : path;
    }

    private static async Task<int> SendAsync(HttpClient client, string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return (int)response.StatusCode;
    }

    private static string Describe(int status) => status == Reached ? "any status but 401/403" : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
