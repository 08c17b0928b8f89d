using System.Security.Cryptography;
using System.Text;

using Microsoft.Extensions.Options;

using Telematics.Scoring.Registry;

namespace Telematics.Api.Administration;

/// <summary>
/// Reloads the registry when a model's aliases.json changed since this host last looked, every
/// <see cref="ReconcileKey"/> seconds (default 30). A promotion on another host reaches this one through the cache-tag
/// fan-out or the <c>ModelPromoted</c> event, both at most once (a breaker open or a publish lost drops it), and file
/// watchers hear nothing on network shares: without this a lost signal left the host on the old version until restart.
/// </summary>
internal sealed partial class ModelAliasReconciler(
    IOptions<ModelRegistryOptions> options, PromotedElsewhere promotions, TimeProvider time, TimeSpan every, ILogger<ModelAliasReconciler> logger)
    : BackgroundService
{
    /// <summary>The configuration key of the seconds between two reads of the alias files (default 30).</summary>
    public const string ReconcileKey = "Scoring:ReconcileSeconds";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.ModelDirectory is not { } directory)
        {
            return;
        }

        // Read as the host starts: a change from here on is one the registry may not have read. (One between the registry's
        // first load and this read shows only at the next change or restart; the file watcher covers it on local disks.)
        var seen = await Task.Run(() => Fingerprint(directory), stoppingToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                await Task.Delay(every, time, stoppingToken).ConfigureAwait(false);
                var now = await Task.Run(() => Fingerprint(directory), stoppingToken).ConfigureAwait(false);
                if (now is null || string.Equals(now, seen, StringComparison.Ordinal))
                {
                    continue;
                }

                // Taken before the reload, so that the reload reads at least this (a change meanwhile shows next round); kept
                // only when the reload went through, so that a failed one is tried again next round.
                AliasesChanged(logger);
                if (await promotions.ReloadAsync().ConfigureAwait(false))
                {
                    seen = now;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    // Each model name's aliases.json, hashed, in name order; null when the directory cannot be read now (a share away),
    // which changes nothing until it can.
    internal static string? Fingerprint(string directory)
    {
        try
        {
            var text = new StringBuilder();
            foreach (var folder in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
            {
                var file = Path.Combine(folder, ModelAliases.FileName);
                var hash = File.Exists(file) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))) : "-";
                text.Append(Path.GetFileName(folder)).Append('=').Append(hash).Append('\n');
            }

            return text.ToString();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 9112, Level = LogLevel.Information, Message = "A model's aliases.json changed since this host last read it; the models are reloaded.")]
    private static partial void AliasesChanged(ILogger logger);
}
