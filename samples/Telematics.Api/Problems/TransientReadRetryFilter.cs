using Polly;
using Polly.Retry;

namespace Telematics.Api.Problems;

/// <summary>
/// Retries a read (GET or HEAD) whose handler failed with a transient database failure (<see cref="DatabaseOutage"/>):
/// twice, after about 0.1 s and 0.2 s with jitter, each time on fresh connections (the pool is cleared, since a server
/// that restarted leaves its idle connections dead). Reads change nothing, so running one again is safe; writes are not
/// retried (an upload's body cannot be read twice, and the client decides about a command). A read whose response has
/// started is not retried either. Npgsql has no retry of its own; this is Polly's.
/// </summary>
internal sealed class TransientReadRetryFilter : IEndpointFilter
{
    private static readonly ResiliencePropertyKey<HttpContext> Http = new("telematics.http");

    private static readonly ResiliencePipeline Pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(100),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = static args => ValueTask.FromResult(
                args.Outcome.Exception is { } failure && DatabaseOutage.IsTransient(failure)
                && args.Context.Properties.TryGetValue(Http, out var http) && !http.Response.HasStarted),
            OnRetry = static args =>
            {
                if (args.Context.Properties.TryGetValue(Http, out var http))
                {
                    http.RequestServices.GetService<Storage.DatabaseConnection>()?.DataSource?.Clear();
                }

                return ValueTask.CompletedTask;
            },
        })
        .Build();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            return await next(context);
        }

        var resilience = ResilienceContextPool.Shared.Get(http.RequestAborted);
        resilience.Properties.Set(Http, http);
        try
        {
            return await Pipeline.ExecuteAsync(static async (_, state) => await state.next(state.context), resilience, (next, context));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(resilience);
        }
    }
}
