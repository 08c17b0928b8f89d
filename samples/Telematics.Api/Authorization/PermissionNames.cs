using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Telematics.Api.Authorization;

/// <summary>The stable wire names of <see cref="Permission"/> values (<c>area:verb</c>), used in policies and responses.</summary>
internal static class PermissionNames
{
    private static readonly Permission[] AllPermissions = Enum.GetValues<Permission>();

    private static readonly FrozenDictionary<string, Permission> ByName =
        AllPermissions.ToFrozenDictionary(ToName, StringComparer.Ordinal);

    /// <summary>Every permission, in declaration order.</summary>
    public static ReadOnlySpan<Permission> All => AllPermissions;

    /// <summary>The wire name of <paramref name="permission"/>, e.g. <c>risk:read</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a declared permission.</exception>
    public static string ToName(this Permission permission) => permission switch
    {
        Permission.DriversRead => "drivers:read",
        Permission.DriversWrite => "drivers:write",
        Permission.TelematicsWrite => "telematics:write",
        Permission.RiskRead => "risk:read",
        Permission.RiskBatch => "risk:batch",
        Permission.PricingRead => "pricing:read",
        Permission.PricingWrite => "pricing:write",
        Permission.ModelsRead => "models:read",
        Permission.ModelsManage => "models:manage",
        Permission.AuditRead => "audit:read",
        Permission.AdminRead => "admin:read",
        Permission.DashboardRead => "dashboard:read",
        Permission.LocationsRead => "locations:read",
        _ => throw new ArgumentOutOfRangeException(nameof(permission), permission, "Not a declared permission."),
    };

    /// <summary>Finds the permission whose wire name is <paramref name="name"/> (ordinal, case-sensitive).</summary>
    public static bool TryParse(string name, [NotNullWhen(true)] out Permission? permission)
    {
        if (ByName.TryGetValue(name, out var found))
        {
            permission = found;
            return true;
        }

        permission = null;
        return false;
    }
}
