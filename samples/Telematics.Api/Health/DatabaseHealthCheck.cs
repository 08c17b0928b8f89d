using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Telematics.Api.Storage;

namespace Telematics.Api.Health;

/// <summary>Ready when PostgreSQL answers a trivial query within the check's time budget and the schema is current.</summary>
internal sealed class DatabaseHealthCheck(DatabaseConnection connection, DatabaseMigrator migrator) : IHealthCheck
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (connection.DataSource is not { } dataSource)
        {
            return HealthCheckResult.Unhealthy(connection.Problem);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            var reason = ex is OperationCanceledException ? $"no answer within {Budget.TotalSeconds:0} s" : ex.Message;
            return HealthCheckResult.Unhealthy($"PostgreSQL is unreachable: {reason}");
        }

        // The database answers; a retry of the migrations may still be waiting for its next attempt.
        return await migrator.WaitUntilAppliedAsync(Budget, cancellationToken)
            ? HealthCheckResult.Healthy("PostgreSQL answers and the schema is current.")
            : HealthCheckResult.Unhealthy(migrator.Problem);
    }
}
