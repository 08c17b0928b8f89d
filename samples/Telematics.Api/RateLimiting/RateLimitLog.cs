namespace Telematics.Api.RateLimiting;

/// <summary>Log events of rate limiting (event ids 3000–3099). The client id and IP are not logged.</summary>
internal static partial class RateLimitLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning,
        Message = "Rate limit {Policy} refused a request on {Route}; retry after {RetryAfterSeconds} s.")]
    public static partial void Rejected(ILogger logger, string policy, string route, int retryAfterSeconds);
}
