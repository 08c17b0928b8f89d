using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

using Telematics.Api.Auth;
using Telematics.Api.Authorization;

namespace Telematics.Api.Live;

/// <summary>
/// <c>/hubs/live</c>: pushes <see cref="LiveMethods"/> to the groups of <see cref="LiveGroups"/>, authorised like the REST
/// API. A driver's connection joins its own driver's group and can watch no other; a user who reads every driver (admin,
/// analyst) joins the book and may also watch single drivers. Clients only listen; the hub takes no data from them.
/// </summary>
[Authorize]
internal sealed class LiveHub : Hub
{
    /// <summary>The hub's route.</summary>
    public const string Route = "/hubs/live";

    /// <summary>Puts the connection in the groups its token allows.</summary>
    /// <returns>A task that completes when the connection is placed.</returns>
    public override async Task OnConnectedAsync()
    {
        var user = Context.User;
        var role = user?.GetRole() ?? string.Empty;
        if (RolePermissions.IsConfinedToOwnDriver(role))
        {
            if (OwnDriver() is { } own && LiveAccess.MayWatch(RolePermissions.Of(role), confinedToOwnDriver: true, own, own))
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.Driver(own), Context.ConnectionAborted);
            }
        }
        else if (ReadsTheBook())
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.Book, Context.ConnectionAborted);
        }

        await base.OnConnectedAsync();
    }

    /// <summary>
    /// Also receives one driver's updates (a driver may watch only itself). A book reader already hears every driver, so
    /// for it this only checks the permission: a message goes to the driver's group and to the book, and SignalR sends it
    /// once per group, so a connection in both would hear each change twice.
    /// </summary>
    /// <param name="driverId">The driver.</param>
    /// <returns>A task that completes when the connection hears the driver's updates.</returns>
    /// <exception cref="HubException">The caller may not read that driver.</exception>
    public Task WatchDriver(long driverId)
    {
        EnsureMayRead(driverId);
        return ReadsTheBook()
            ? Task.CompletedTask
            : Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.Driver(driverId), Context.ConnectionAborted);
    }

    /// <summary>Stops receiving one driver's updates through <see cref="WatchDriver"/>.</summary>
    /// <param name="driverId">The driver.</param>
    /// <returns>A task that completes when the connection left the group.</returns>
    public Task UnwatchDriver(long driverId) =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, LiveGroups.Driver(driverId), Context.ConnectionAborted);

    private void EnsureMayRead(long driverId)
    {
        var role = Context.User?.GetRole() ?? string.Empty;
        if (!LiveAccess.MayWatch(RolePermissions.Of(role), RolePermissions.IsConfinedToOwnDriver(role), OwnDriver(), driverId))
        {
            // In our words, and the same for a driver that does not exist: ids reveal nothing.
            throw new HubException("You may not watch this driver.");
        }
    }

    // The book's group is for whoever reads every driver's scores and premiums: not a driver's own token.
    private bool ReadsTheBook()
    {
        var role = Context.User?.GetRole() ?? string.Empty;
        return LiveAccess.ReadsTheBook(RolePermissions.Of(role), RolePermissions.IsConfinedToOwnDriver(role));
    }

    private long? OwnDriver() => Context.User is { } user && user.TryGetNumericDriverId(out long id) ? id : null;
}
