namespace Telematics.Api.Caching;

/// <summary>
/// Tells the other hosts sharing the cache that tags were invalidated here, so none of them serves an entry from its own
/// first level after a write on this one. A single host has nobody to tell (<see cref="SingleHostFanout"/>).
/// </summary>
internal interface ICacheTagFanout
{
    /// <summary>Publishes the invalidated tags; never throws but for cancellation, and waits briefly (a lost message is bounded by the entries' expiry).</summary>
    /// <param name="tags">The tags just invalidated here.</param>
    /// <returns>A task that completes when the message is handed over.</returns>
    Task PublishAsync(IReadOnlyCollection<string> tags);
}

/// <summary>The fan-out of a host alone: nothing to publish.</summary>
internal sealed class SingleHostFanout : ICacheTagFanout
{
    public Task PublishAsync(IReadOnlyCollection<string> tags) => Task.CompletedTask;
}
