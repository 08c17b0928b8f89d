using System.Globalization;

namespace Telematics.Api.Caching;

/// <summary>Tags that group cached responses so that one write can invalidate all of them.</summary>
internal static class CacheTags
{
    /// <summary>Everything cached about one driver (scores, premiums, statistics); invalidate on any write for that driver.</summary>
    public static string Driver(long driverId) => string.Create(CultureInfo.InvariantCulture, $"driver:{driverId}");

    /// <summary>Model and experiment listings; invalidate when an alias or experiment changes.</summary>
    public const string Models = "models";

    /// <summary>
    /// The experiments hosts score with; invalidate when one is stored, so that every host loads it again from the store
    /// (<see cref="IRemoteTagListener"/>): assignment must be the same whichever host scores.
    /// </summary>
    public const string Experiments = "experiments";

    /// <summary>Dashboards that aggregate over all drivers; invalidate after ingest or batch scoring.</summary>
    public const string Dashboards = "dashboards";
}
