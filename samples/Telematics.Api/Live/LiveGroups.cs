using System.Globalization;

namespace Telematics.Api.Live;

/// <summary>The SignalR groups live updates go to: one per driver, and the book (everyone who may read all drivers).</summary>
internal static class LiveGroups
{
    /// <summary>Connections of users who read the whole book (admin, analyst): every driver's updates.</summary>
    public const string Book = "book";

    /// <summary>The group of one driver's updates: the driver's own connections and those watching it.</summary>
    /// <param name="driverId">The driver.</param>
    /// <returns>The group name.</returns>
    public static string Driver(long driverId) => "driver:" + driverId.ToString(CultureInfo.InvariantCulture);
}
