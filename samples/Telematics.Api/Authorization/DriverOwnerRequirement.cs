using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Telematics.Api.Auth;

namespace Telematics.Api.Authorization;

/// <summary>
/// The resource guard of driver-owned routes: a role confined to its own driver (<c>driver</c>) passes only when the
/// route's driver id equals the <c>driver_id</c> of its token; other roles pass. The guard never looks the id up, so a
/// driver gets the same 403 for another driver's id and for an id that does not exist: a 404 never leaks existence.
/// </summary>
/// <param name="routeParameter">The route value holding the driver id, e.g. <c>driverId</c>.</param>
internal sealed class DriverOwnerRequirement(string routeParameter) : AuthorizationHandler<DriverOwnerRequirement>, IAuthorizationRequirement
{
    /// <summary>The route value holding the driver id.</summary>
    public string RouteParameter { get; } = routeParameter;

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, DriverOwnerRequirement requirement)
    {
        if (context.User.GetRole() is not { } role)
        {
            return Task.CompletedTask;
        }

        if (!RolePermissions.IsConfinedToOwnDriver(role))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        // Endpoint routing passes the HttpContext as the resource, with route values already bound.
        if (context.Resource is HttpContext http
            && http.Request.RouteValues.TryGetValue(requirement.RouteParameter, out var value)
            && value?.ToString() is { Length: > 0 } routeDriverId
            && context.User.TryGetDriverId(out var ownDriverId)
            && SameDriver(routeDriverId, ownDriverId))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => $"Own driver in route value '{RouteParameter}'";

    private static bool SameDriver(string routeDriverId, string ownDriverId) =>
        IsNumber(routeDriverId, out var routeNumber) && IsNumber(ownDriverId, out var ownNumber)
            ? routeNumber == ownNumber // {driverId:long} binds "07" as 7: compare the numbers the endpoint reads, not text
            : Guid.TryParse(routeDriverId, out var a) && Guid.TryParse(ownDriverId, out var b)
                ? a == b // a GUID may arrive in either case or with braces; compare values, not text
                : string.Equals(routeDriverId, ownDriverId, StringComparison.Ordinal);

    // Digits only (no sign, no spaces), as TelematicsClaims.TryGetNumericDriverId reads a token's id.
    private static bool IsNumber(string text, out long number) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number);
}
