using Npgsql;

using Telematics.Api.Storage;
using Telematics.Storage.Postgres.Audit;

namespace Telematics.Api.Administration;

/// <summary>
/// Signs an audit anchor once the schema is current and then every <see cref="AuditAnchorSettings.Interval"/>, when
/// <c>Audit:AnchorSigningKeyPath</c> is set, copying each to the journal. A broken chain is never signed and is logged as
/// critical; a database or journal failure is retried at the next tick.
/// </summary>
internal sealed class AuditAnchorScheduler(
    DatabaseConnection connection,
    DatabaseMigrator migrator,
    AuditAnchorSettings settings,
    TimeProvider time,
    ILogger<AuditAnchorScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.IsSigning || connection.DataSource is not { } dataSource)
        {
            return;
        }

        var (key, problem) = settings.SigningKey();
        if (key is null)
        {
            AdminLog.AuditAnchoringOff(logger, problem ?? "no signing key");
            return;
        }

        while (!await migrator.WaitUntilAppliedAsync(settings.Interval, stoppingToken).ConfigureAwait(false))
        {
            // Not migrated yet: the migrator reports why.
        }

        var log = new AuditLog(dataSource, time);
        using var timer = new PeriodicTimer(settings.Interval, time);
        do
        {
            try
            {
                if (await log.AnchorAsync(key, settings.Journal, stoppingToken).ConfigureAwait(false) is { } anchor)
                {
                    AdminLog.AuditAnchored(logger, anchor.Seq, anchor.KeyId);
                }
            }
            catch (InvalidOperationException broken)
            {
                AdminLog.AuditAnchorRefused(logger, broken.Message);
            }
            catch (Exception failed) when (failed is NpgsqlException or TimeoutException or IOException or InvalidDataException or UnauthorizedAccessException)
            {
                AdminLog.AuditAnchorFailed(logger, failed.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
