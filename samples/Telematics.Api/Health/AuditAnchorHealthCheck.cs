using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Telematics.Api.Administration;
using Telematics.Api.Storage;
using Telematics.Storage.Postgres.Audit;

namespace Telematics.Api.Health;

/// <summary>
/// Degraded when audit rows older than <c>Audit:MaxUnanchoredAge</c> have no anchor (the scheduled or cron anchoring
/// has stopped): the host still serves, but an operator should look. Healthy when no age limit is configured. Reads
/// the recorded coverage only; <c>POST /admin/audit/verify</c> checks the chain.
/// </summary>
internal sealed class AuditAnchorHealthCheck(DatabaseConnection connection, AuditAnchorSettings settings, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (settings.MaxUnanchoredAge is not { } maxAge)
        {
            return HealthCheckResult.Healthy("No audit anchor age limit is configured.");
        }

        if (connection.DataSource is not { } dataSource)
        {
            return HealthCheckResult.Degraded(connection.Problem);
        }

        try
        {
            var coverage = await new AuditLog(dataSource, time).ReadCoverageAsync(cancellationToken).ConfigureAwait(false);
            return coverage.IsStale(time.GetUtcNow(), maxAge)
                ? HealthCheckResult.Degraded(
                    $"Audit rows after row {coverage.AnchoredThroughSeq} have no anchor and the oldest was written at {coverage.OldestUnanchoredAt:u}, more than {maxAge} ago.")
                : HealthCheckResult.Healthy($"Audit anchors cover the log through row {coverage.AnchoredThroughSeq}; newer rows are within {maxAge}.");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // The database check reports the outage; this one says only that anchoring could not be judged.
            return HealthCheckResult.Degraded($"Audit anchor coverage could not be read: {ex.Message}");
        }
    }
}
