using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Telematics.Api.RequestLimits;

/// <summary>Applies the server-wide body limit to Kestrel and removes its <c>Server</c> header.</summary>
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
            kestrel.AddServerHeader = false; // do not advertise the server software
        });
        return services;
    }
}
