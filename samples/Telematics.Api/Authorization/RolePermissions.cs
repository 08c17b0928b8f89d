using System.Collections.Frozen;

namespace Telematics.Api.Authorization;

/// <summary>
/// The one table that says which role holds which permission, and which roles are confined to their own driver.
/// </summary>
/// <remarks>
/// <code>
/// permission         admin  analyst  driver (own id only)
/// drivers:read         x       x        x
/// drivers:write        x
/// telematics:write     x                x
/// risk:read            x       x        x
/// risk:batch           x
/// pricing:read         x       x        x
/// pricing:write        x
/// models:read          x       x
/// models:manage        x
/// audit:read           x
/// admin:read           x
/// dashboard:read       x       x
/// locations:read       x                x
/// </code>
/// Permissions are looked up from the role on every request, so a change here applies to tokens already issued.
/// A role not in the table holds no permission. The table is immutable and safe to read from any thread.
/// </remarks>
internal static class RolePermissions
{
    private static readonly FrozenDictionary<string, Permission[]> Table = new Dictionary<string, Permission[]>(StringComparer.Ordinal)
    {
        [Roles.Admin] = Enum.GetValues<Permission>(),
        [Roles.Analyst] =
        [
            Permission.DriversRead, Permission.RiskRead, Permission.PricingRead, Permission.ModelsRead,

            // Dashboards are aggregates over the book (no personal data): what analysts are for. Partitions and the
            // audit log stay admin-only.
            Permission.DashboardRead,
        ],
        [Roles.Driver] =
        [
            Permission.DriversRead, Permission.TelematicsWrite, Permission.RiskRead, Permission.PricingRead, Permission.LocationsRead,
        ],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The permissions <paramref name="role"/> holds; empty for an unknown role.</summary>
    public static ReadOnlySpan<Permission> Of(string role) =>
        Table.TryGetValue(role, out var permissions) ? permissions : [];

    /// <summary>Whether <paramref name="role"/> holds <paramref name="permission"/>.</summary>
    public static bool Grants(string role, Permission permission) => Of(role).Contains(permission);

    /// <summary>Whether <paramref name="role"/> reaches only the driver id carried in its own token.</summary>
    public static bool IsConfinedToOwnDriver(string role) => string.Equals(role, Roles.Driver, StringComparison.Ordinal);
}
