using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Telematics.Api.RequestLimits;

/// <summary>Applies the server-wide body, target and header limits to Kestrel and removes its <c>Server</c> header.</summary>
internal static class RequestLimitSetup
{
    /// <summary>Binds <see cref="RequestLimitOptions"/> and configures Kestrel from them.</summary>
    public static IServiceCollection AddTelematicsRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RequestLimitOptions>()
            .Bind(configuration.GetSection(RequestLimitOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<RequestLimitOptions>>((kestrel, limits) =>
        {
            kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes;

            // Kestrel answers its own limits with an empty body; RequestHeadLimitMiddleware answers ours, below these, with problem+json.
            kestrel.Limits.MaxRequestLineSize = 2 * limits.Value.MaxRequestTargetBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 2 * limits.Value.MaxRequestHeadersBytes;
            kestrel.AddServerHeader = false; // do not advertise the server software
        });
        return services;
    }
}
