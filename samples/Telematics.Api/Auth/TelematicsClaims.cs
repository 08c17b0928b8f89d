using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;

namespace Telematics.Api.Auth;

/// <summary>The JWT claim names the host issues and reads, kept as they appear on the wire (no inbound mapping).</summary>
internal static class TelematicsClaims
{
    /// <summary>The caller's stable identifier (<c>sub</c>).</summary>
    public const string Subject = "sub";

    /// <summary>
    /// The caller's role (<c>role</c>): <c>admin</c>, <c>analyst</c> or <c>driver</c>. A token with more than one is refused
    /// at authentication (<c>AuthenticationSetup</c>), so the first is the only one.
    /// </summary>
    public const string Role = "role";

    /// <summary>The driver a <c>driver</c> token belongs to (<c>driver_id</c>).</summary>
    public const string DriverId = "driver_id";

    /// <summary>The caller's subject, or null for an anonymous caller.</summary>
    public static string? GetSubject(this ClaimsPrincipal user) => user.FindFirst(Subject)?.Value;

    /// <summary>The caller's role, or null when the token carries none.</summary>
    public static string? GetRole(this ClaimsPrincipal user) => user.FindFirst(Role)?.Value;

    /// <summary>The driver id carried in the caller's token, when there is one.</summary>
    public static bool TryGetDriverId(this ClaimsPrincipal user, [NotNullWhen(true)] out string? driverId)
    {
        driverId = user.FindFirst(DriverId)?.Value;
        return !string.IsNullOrEmpty(driverId);
    }

    /// <summary>The driver id carried in the caller's token as a number (digits only), when there is one.</summary>
    public static bool TryGetNumericDriverId(this ClaimsPrincipal user, out long driverId)
    {
        driverId = 0;
        return user.TryGetDriverId(out string? text)
            && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out driverId);
    }
}
