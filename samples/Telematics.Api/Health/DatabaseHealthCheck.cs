using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Telematics.Api.Health;

/// <summary>Ready when PostgreSQL answers a trivial query within the check's time budget.</summary>
internal sealed class DatabaseHealthCheck(DatabaseConnection connection) : IHealthCheck
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
            return HealthCheckResult.Healthy("PostgreSQL answers.");
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            var reason = ex is OperationCanceledException ? $"no answer within {Budget.TotalSeconds:0} s" : ex.Message;
            return HealthCheckResult.Unhealthy($"PostgreSQL is unreachable: {reason}");
        }
    }
}
