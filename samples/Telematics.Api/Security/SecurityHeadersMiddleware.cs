namespace Telematics.Api.Security;

/// <summary>
/// Adds defensive headers to every response: no MIME sniffing, no framing (legacy header and CSP
/// <c>frame-ancestors</c>), and no referrer; the dashboard's pages get a content security policy of this host only. The <c>Server</c> header is removed in Kestrel's options.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    /// <summary>Sets the headers as the response starts, then calls the rest of the pipeline.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        // As the response starts, not now: the exception handler clears the headers of a response it rewrites, and every
        // response, errors and 429s included, must carry these.
        context.Response.OnStarting(static state => Apply((HttpContext)state), context);
        return next(context);
    }

    private static Task Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase) ? DashboardPolicy : "frame-ancestors 'none'";
        headers["Referrer-Policy"] = "no-referrer";
        return Task.CompletedTask;
    }

    // The dashboard's pages load nothing but this host's own files and talk only to it (the circuit's WebSocket included);
    // inline style attributes are MudBlazor's way of sizing and colouring, inline scripts are not allowed.
    private const string DashboardPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; base-uri 'self'; form-action 'self'; object-src 'none'; frame-ancestors 'none'";
}
