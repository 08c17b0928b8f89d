using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Telematics.Api.Auth;
using Telematics.Api.Authorization;

namespace Telematics.Api.Health;

/// <summary>
/// Liveness (<c>/health/live</c>) and readiness (<c>/health/ready</c>: database, schema, default model, and audit anchors not overdue), open to
/// anonymous callers; the checks' descriptions (which may name the database server) only to callers with <c>admin:read</c>.
/// </summary>
internal static class HealthEndpoints
{
    /// <summary>The tag of the checks <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    public static IServiceCollection AddTelematicsHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<ModelRegistryHealthCheck>("models", tags: [ReadyTag])
            .AddCheck<PricingPlanHealthCheck>("pricing-plan", tags: [ReadyTag])
            .AddCheck<AuditAnchorHealthCheck>("audit-anchor", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapTelematicsHealth(this IEndpointRouteBuilder endpoints)
    {
        // Live: the process serves requests; no dependency is consulted, so a database outage never restarts the host.
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .AllowAnonymous();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .AllowAnonymous();
        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";

        // A check's description can name the database server and its error; only an operator (admin:read) reads it.
        // Anyone (a load balancer, a monitor) gets the statuses.
        var detailed = context.User.GetRole() is { } role && RolePermissions.Grants(role, Permission.AdminRead);
        var body = new HealthBody(
            report.Status.ToString(),
            report.TotalDuration.TotalMilliseconds,
            report.Entries.Select(e => new HealthEntry(e.Key, e.Value.Status.ToString(), detailed ? e.Value.Description : null, e.Value.Duration.TotalMilliseconds)).ToArray());
        return JsonSerializer.SerializeAsync(context.Response.Body, body, HealthJsonContext.Default.HealthBody, context.RequestAborted);
    }
}

internal sealed record HealthBody(string Status, double DurationMs, HealthEntry[] Checks);

internal sealed record HealthEntry(string Name, string Status, string? Description, double DurationMs);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthBody))]
internal sealed partial class HealthJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
