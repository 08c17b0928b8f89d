using System.Globalization;

using Microsoft.Extensions.Diagnostics.HealthChecks;

using Npgsql;

using Telematics.Service.Events;
using Telematics.Streaming.Nats.Outbox;

namespace Telematics.Api.Health;

/// <summary>
/// Degraded while the outbox relay cannot hand domain events to NATS: writes still commit and their events wait in the
/// outbox (nothing is lost), but consumers and the live hub fall behind, so an operator should look. Says how many wait.
/// </summary>
internal sealed class DomainEventRelayHealthCheck(OutboxRelay relay, IDomainEventOutbox outbox) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        string waiting;
        try
        {
            waiting = (await outbox.CountPendingAsync(cancellationToken).ConfigureAwait(false)).ToString("N0", CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            waiting = "an unknown number of"; // the database check reports the outage
        }

        return relay.Failure is { } failure
            ? HealthCheckResult.Degraded($"Domain events cannot be relayed to NATS since {failure.Since:u} ({failure.Reason}); {waiting} events wait in the outbox.")
            : HealthCheckResult.Healthy($"Domain events are relayed to NATS; {waiting} events wait in the outbox.");
    }
}
