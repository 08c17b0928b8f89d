using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Options;
using Telematics.Api.RequestLimits;

namespace Telematics.Api.RateLimiting;

/// <summary>Endpoint metadata marking an ingest route: <see cref="IngestLimitsMiddleware"/> caps its concurrency and body rate.</summary>
internal sealed class IngestLimitsMetadata
{
    /// <summary>The one instance endpoints carry.</summary>
    public static IngestLimitsMetadata Instance { get; } = new();

    private IngestLimitsMetadata()
    {
    }
}

/// <summary>Opts an endpoint into the limits of an upload.</summary>
internal static class IngestLimitsExtensions
{
    /// <summary>
    /// The limits of an upload: the <see cref="RateLimitPolicies.Ingest"/> requests per window, at most
    /// <see cref="RateLimitOptions.IngestConcurrency"/> uploads in flight (per client and in all), and the minimum body
    /// data rate <see cref="RequestLimitOptions.MinIngestBodyBytesPerSecond"/>.
    /// </summary>
    public static TBuilder RequireIngestLimits<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(RateLimitPolicies.Ingest).WithMetadata(IngestLimitsMetadata.Instance);
}

/// <summary>
/// The concurrency permits of the ingest routes: one concurrency limiter per client and one over all clients, no
/// queueing. Local to this host.
/// </summary>
internal sealed class IngestConcurrencyLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perClient;
    private readonly ConcurrencyLimiter _total;

    /// <summary>Creates the limiters from <see cref="RateLimitOptions.IngestConcurrency"/>.</summary>
    public IngestConcurrencyLimiter(IOptions<RateLimitOptions> options)
    {
        var limit = options.Value.IngestConcurrency;
        _perClient = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetConcurrencyLimiter(
            client, _ => new ConcurrencyLimiterOptions { PermitLimit = limit.PerClient, QueueLimit = 0 }));
        _total = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = limit.Total, QueueLimit = 0 });
    }

    /// <summary>
    /// Takes a permit of <paramref name="client"/> and one of the total; null and nothing taken when either is used up,
    /// with <paramref name="whole"/> saying whether it was the total.
    /// </summary>
    public IDisposable? TryAcquire(string client, out bool whole)
    {
        whole = false;
        var own = _perClient.AttemptAcquire(client);
        if (!own.IsAcquired)
        {
            own.Dispose();
            return null;
        }

        var shared = _total.AttemptAcquire();
        if (!shared.IsAcquired)
        {
            shared.Dispose();
            own.Dispose();
            whole = true;
            return null;
        }

        return new Leases(own, shared);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _perClient.Dispose();
        _total.Dispose();
    }

    private sealed class Leases(RateLimitLease own, RateLimitLease shared) : IDisposable
    {
        public void Dispose()
        {
            shared.Dispose();
            own.Dispose();
        }
    }
}

/// <summary>
/// Applies <see cref="IngestLimitsMetadata"/>: refuses an upload over the concurrency caps with the rate limits' 429
/// before its body is read, and raises the minimum body data rate (HTTP/1.x) for the ones it admits. An upload holds a
/// pooled database connection and transaction until its body ends, so neither many nor slow bodies may hold the pool.
/// </summary>
internal sealed class IngestLimitsMiddleware(RequestDelegate next, IngestConcurrencyLimiter limiter, IOptions<RequestLimitOptions> limits)
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <summary>Runs the request under the ingest limits when its endpoint is an upload, else passes it on.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IngestLimitsMetadata>() is null)
        {
            await next(context);
            return;
        }

        using var permit = limiter.TryAcquire(RateLimitSetup.ClientOf(context), out var whole);
        if (permit is null)
        {
            var detail = whole
                ? "This host is taking as many uploads at once as it takes from all clients; retry after 1 s."
                : "This client has as many uploads in flight as it may have at once; wait for one to finish, or retry after 1 s.";
            await RateLimitSetup.WriteTooManyAsync(context, RateLimitPolicies.IngestConcurrency, retryAfter: 1, detail);
            return;
        }

        if (limits.Value.MinIngestBodyBytesPerSecond > 0
            && (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
            && context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = new MinDataRate(limits.Value.MinIngestBodyBytesPerSecond, Grace);
        }

        await next(context);
    }
}
