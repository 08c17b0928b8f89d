namespace Telematics.Api.Caching;

/// <summary>
/// State beyond the cache that another host's write makes stale here (e.g. the experiments a host scores with, which live
/// in memory, not in the cache): told of the tags another host invalidated, after this host dropped its own entries.
/// </summary>
internal interface IRemoteTagListener
{
    /// <summary>Brings this host's state up to date with a write made on another host; must not throw.</summary>
    /// <param name="tags">The tags the other host invalidated.</param>
    /// <returns>A task that completes when the state is current.</returns>
    Task TagsInvalidatedElsewhereAsync(IReadOnlyCollection<string> tags);
}
