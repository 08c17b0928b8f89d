namespace Telematics.Api.Security;

/// <summary>
/// Adds defensive headers to every response: no MIME sniffing, no framing (legacy header and CSP
/// <c>frame-ancestors</c>), and no referrer. The <c>Server</c> header is removed in Kestrel's options.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    /// <summary>Sets the headers, then calls the rest of the pipeline.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        // Set before the pipeline runs: every response, including errors and 429s, carries them.
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        headers["Referrer-Policy"] = "no-referrer";
        return next(context);
    }
}
