namespace Telematics.Api.Security;

/// <summary>
/// Adds defensive headers to every response: no MIME sniffing, no framing (legacy header and CSP
/// <c>frame-ancestors</c>), and no referrer. The <c>Server</c> header is removed in Kestrel's options.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    /// <summary>Sets the headers as the response starts, then calls the rest of the pipeline.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        // As the response starts, not now: the exception handler clears the headers of a response it rewrites, and every
        // response, errors and 429s included, must carry these.
        context.Response.OnStarting(static state => Apply((HttpResponse)state), context.Response);
        return next(context);
    }

    private static Task Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        headers["Referrer-Policy"] = "no-referrer";
        return Task.CompletedTask;
    }
}
