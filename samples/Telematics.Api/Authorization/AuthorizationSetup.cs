using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;

namespace Telematics.Api.Authorization;

/// <summary>Registers one policy per permission and the fallback policy that makes every endpoint authenticated by default.</summary>
internal static class AuthorizationSetup
{
    /// <summary>
    /// Adds a policy named after each permission's wire name (e.g. <c>risk:read</c>), and a fallback policy that requires
    /// an authenticated user, so an endpoint mapped without any policy is never anonymous: only an explicit
    /// <c>AllowAnonymous()</c> opens one.
    /// </summary>
    public static IServiceCollection AddTelematicsAuthorization(this IServiceCollection services)
    {
        var authenticated = new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme).RequireAuthenticatedUser().Build();
        var builder = services.AddAuthorizationBuilder()
            .SetDefaultPolicy(authenticated)
            .SetFallbackPolicy(authenticated);

        foreach (var permission in PermissionNames.All)
        {
            builder.AddPolicy(permission.ToName(), policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new PermissionRequirement(permission)));
        }

        return services;
    }
}
