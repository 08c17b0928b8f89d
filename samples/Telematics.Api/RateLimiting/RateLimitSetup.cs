using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Telematics.Api.Auth;
using Telematics.Api.Cluster;
using Telematics.Api.Problems;

namespace Telematics.Api.RateLimiting;

/// <summary>
/// Registers the named per-client policies and the 429 problem+json response with <c>Retry-After</c>. With Redis
/// configured (several hosts) each client's window is counted in Redis, so the hosts share one budget.
/// </summary>
internal static class RateLimitSetup
{
    /// <summary>Adds the <see cref="RateLimitPolicies"/> with limits from the <c>RateLimits</c> section.</summary>
    public static IServiceCollection AddTelematicsRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>()
            .Bind(configuration.GetSection(RateLimitOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => Valid(o.Ingest) && Valid(o.Batch), "Each RateLimits policy needs PermitLimit 1–100000 and WindowSeconds 1–86400.")
            .Validate(
                o => o.IngestConcurrency is { PerClient: >= 1 and <= 1000, Total: >= 1 and <= 10_000 },
                "RateLimits:IngestConcurrency needs PerClient 1–1000 and Total 1–10000.")
            .ValidateOnStart();
        services.AddSingleton<IngestConcurrencyLimiter>();

        services.AddRateLimiter(_ => { });
        var prefix = RedisConnection.Prefix(configuration);
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, IServiceProvider>((limiter, options, provider) =>
        {
            (IConnectionMultiplexer, RedisBreaker)? redis = RedisConnection.Find(configuration) is null
                ? null
                : (provider.GetRequiredService<IConnectionMultiplexer>(), provider.GetRequiredService<RedisBreaker>());
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(RateLimitPolicies.Ingest, context => PerClient(context, RateLimitPolicies.Ingest, options.Value.Ingest, redis, prefix));
            limiter.AddPolicy(RateLimitPolicies.Batch, context => PerClient(context, RateLimitPolicies.Batch, options.Value.Batch, redis, prefix));
            limiter.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    private static bool Valid(WindowLimit limit) =>
        limit.PermitLimit is >= 1 and <= 100_000 && limit.WindowSeconds is >= 1 and <= 86_400;

    private static RateLimitPartition<string> PerClient(
        HttpContext context, string policy, WindowLimit limit, (IConnectionMultiplexer Connection, RedisBreaker Breaker)? redis, string prefix)
    {
        var client = ClientOf(context);
        return redis is null
            ? RateLimitPartition.GetFixedWindowLimiter(client, _ => LocalOptions(limit))
            : RateLimitPartition.Get(client, key => new RedisWindowLimiter(
                redis.Value.Connection, $"{prefix}:ratelimit:{policy}:{key}", limit.PermitLimit, TimeSpan.FromSeconds(limit.WindowSeconds),
                new FixedWindowRateLimiter(LocalOptions(limit)), redis.Value.Breaker));
    }

    /// <summary>Whom a limit counts the request against: the token's subject when authenticated, else the remote IP address.</summary>
    public static string ClientOf(HttpContext context) =>
        context.User.GetSubject() is { } subject
            ? "sub:" + subject
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    private static FixedWindowRateLimiterOptions LocalOptions(WindowLimit limit) => new()
    {
        PermitLimit = limit.PermitLimit,
        Window = TimeSpan.FromSeconds(limit.WindowSeconds),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var endpoint = http.GetEndpoint();
        var policy = endpoint?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "(global)";
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? (int)Math.Ceiling(wait.TotalSeconds)
            : 1;
        await WriteTooManyAsync(http, policy, retryAfter, $"The '{policy}' limit for this client is used up; retry after {retryAfter} s.");
    }

    /// <summary>The 429 of every limit: <c>Retry-After</c>, a warning naming policy and route, and the rate-limited problem.</summary>
    public static async Task WriteTooManyAsync(HttpContext http, string policy, int retryAfter, string detail)
    {
        var endpoint = http.GetEndpoint();
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Telematics.Api.RateLimiting");
        RateLimitLog.Rejected(logger, policy, (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)", retryAfter);

        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = ProblemTypes.RateLimited,
                Title = "Too many requests.",
                Detail = detail,
            },
        });
    }
}
