using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Telematics.Api.Authorization;

/// <summary>Declares on an endpoint (or a route group) what a caller must hold to reach it.</summary>
internal static class AuthorizationEndpointExtensions
{
    /// <summary>Requires <paramref name="permission"/>; callers without it get 403, anonymous callers 401.</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, Permission permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(permission.ToName());

    /// <summary>
    /// Guards a driver-owned route: a <c>driver</c> caller reaches it only for the driver id in its own token (403
    /// otherwise, existing or not). Combine with <see cref="RequirePermission{TBuilder}"/>; both must pass.
    /// </summary>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="routeParameter">The route value holding the driver id; <c>driverId</c> by default.</param>
    public static TBuilder RequireDriverOwner<TBuilder>(this TBuilder builder, string routeParameter = "driverId")
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy => policy
            .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new DriverOwnerRequirement(routeParameter)));
}
