namespace Telematics.Api.Live;

/// <summary>Registers and maps <c>/hubs/live</c>.</summary>
internal static class LiveSetup
{
    /// <summary>Adds SignalR (camelCase JSON) and <see cref="LiveUpdates"/>.</summary>
    public static IServiceCollection AddTelematicsLive(this IServiceCollection services)
    {
        services.AddSignalR(static options =>
        {
            // Clients only listen: a message from one is tiny (watch/unwatch) and anything larger is refused.
            options.MaximumReceiveMessageSize = 4 * 1024;
        });
        services.AddSingleton<LiveUpdates>();
        return services;
    }

    /// <summary>Maps the hub at <see cref="LiveHub.Route"/>, authenticated like the API (the token may come as <c>access_token</c> for WebSockets).</summary>
    public static IEndpointRouteBuilder MapTelematicsLive(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHub<LiveHub>(LiveHub.Route);
        return endpoints;
    }
}
