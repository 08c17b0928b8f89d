using Telematics.Api.Caching;
using Telematics.Scoring.Registry;

namespace Telematics.Api.Administration;

/// <summary>
/// Re-reads the model directory when another host promoted a model: a promotion writes aliases.json and reloads only the
/// host that received it, and the others' file watchers miss changes on network shares. Told by the cache-tag fan-out
/// (a promotion invalidates <see cref="CacheTags.Models"/>) and by the domain-event feed (<c>ModelPromoted</c>). Hosts
/// must share one model directory for this to serve the promoted version (docs/scaling.md).
/// </summary>
internal sealed partial class PromotedElsewhere(ModelRegistry registry, ILogger<PromotedElsewhere> logger) : IRemoteTagListener
{
    public Task TagsInvalidatedElsewhereAsync(IReadOnlyCollection<string> tags) =>
        tags.Contains(CacheTags.Models, StringComparer.Ordinal) ? ReloadAsync() : Task.CompletedTask;

    /// <summary>Reloads the registry off the caller's thread; never throws (a failed reload keeps the serving versions).</summary>
    /// <returns>Whether the registry read the directory again; false when the reload failed as a whole.</returns>
    public async Task<bool> ReloadAsync()
    {
        try
        {
            var result = await Task.Run(registry.Reload).ConfigureAwait(false);
            Reloaded(logger, result.Generation, result.Failures.Count);
            return true;
        }
        catch (ObjectDisposedException)
        {
            // The host is stopping.
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            NotReloaded(logger, e.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(EventId = 9110, Level = LogLevel.Information, Message = "Models reloaded after a promotion on another host (generation {Generation}, {Failures} failed to load).")]
    private static partial void Reloaded(ILogger logger, long generation, int failures);

    [LoggerMessage(EventId = 9111, Level = LogLevel.Warning, Message = "The models were not reloaded after a promotion on another host ({Error}); this host serves the aliases it read last.")]
    private static partial void NotReloaded(ILogger logger, string error);
}
