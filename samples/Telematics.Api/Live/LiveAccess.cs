using Telematics.Api.Authorization;

namespace Telematics.Api.Live;

/// <summary>
/// Who may hear what on <see cref="LiveHub"/>. Its messages carry a driver's scores and premiums, so a listener needs
/// every permission the REST API asks for those (drivers:read, risk:read, pricing:read), not drivers:read alone: a role
/// added later without pricing:read must not hear premiums live that it cannot read.
/// </summary>
internal static class LiveAccess
{
    private static readonly Permission[] Heard = [Permission.DriversRead, Permission.RiskRead, Permission.PricingRead];

    /// <summary>Whether a role holding <paramref name="held"/> hears every driver (the book's group).</summary>
    public static bool ReadsTheBook(ReadOnlySpan<Permission> held, bool confinedToOwnDriver) =>
        !confinedToOwnDriver && HearsAll(held);

    /// <summary>Whether a role holding <paramref name="held"/> may hear <paramref name="driverId"/>'s updates.</summary>
    public static bool MayWatch(ReadOnlySpan<Permission> held, bool confinedToOwnDriver, long? ownDriver, long driverId) =>
        HearsAll(held) && (!confinedToOwnDriver || ownDriver == driverId);

    private static bool HearsAll(ReadOnlySpan<Permission> held)
    {
        foreach (var permission in Heard)
        {
            if (!held.Contains(permission))
            {
                return false;
            }
        }

        return true;
    }
}
