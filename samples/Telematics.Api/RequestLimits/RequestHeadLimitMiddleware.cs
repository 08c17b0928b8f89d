using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Telematics.Api.RequestLimits;

/// <summary>
/// Refuses a request whose target (path and query) or headers exceed <see cref="RequestLimitOptions"/> with 414 or 431,
/// thrown as <see cref="BadHttpRequestException"/> so that the exception handler answers problem+json with the security
/// headers, which Kestrel's own refusals (at twice these limits) do not carry.
/// </summary>
internal sealed class RequestHeadLimitMiddleware(RequestDelegate next, IOptions<RequestLimitOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limits = options.Value;
        // Kestrel gives the raw target; other servers (the test server) may not.
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var targetLength = string.IsNullOrEmpty(raw)
            ? (context.Request.PathBase.Value?.Length ?? 0) + (context.Request.Path.Value?.Length ?? 0) + (context.Request.QueryString.Value?.Length ?? 0)
            : raw.Length;
        if (targetLength > limits.MaxRequestTargetBytes)
        {
            throw new BadHttpRequestException("The request target is too long.", StatusCodes.Status414UriTooLong);
        }

        long headerBytes = 0;
        foreach (var (name, values) in context.Request.Headers)
        {
            // As HTTP/1.1 sends them: "name: value\r\n" per value.
            foreach (var value in values)
            {
                headerBytes += name.Length + (value?.Length ?? 0) + 4;
            }
        }

        if (headerBytes > limits.MaxRequestHeadersBytes)
        {
            throw new BadHttpRequestException("The request headers are too large.", StatusCodes.Status431RequestHeaderFieldsTooLarge);
        }

        return next(context);
    }
}
