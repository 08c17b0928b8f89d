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
        services.AddSingleton<LiveResync>();
        services.AddHostedService(static provider => provider.GetRequiredService<LiveResync>());
        return services;
    }

    /// <summary>Maps the hub at <see cref="LiveHub.Route"/>, authenticated like the API (the token may come as <c>access_token</c> for WebSockets); a connection closes when its token expires.</summary>
    public static IEndpointRouteBuilder MapTelematicsLive(this IEndpointRouteBuilder endpoints)
    {
        // A connection joins its groups once, when it opens: without this a WebSocket outlives its token (an analyst whose
        // access ended would hear every driver's changes for as long as the socket stays up).
        endpoints.MapHub<LiveHub>(LiveHub.Route, static options => options.CloseOnAuthenticationExpiration = true);
        return endpoints;
    }
}
