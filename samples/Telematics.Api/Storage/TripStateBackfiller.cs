using Microsoft.Extensions.Options;

using Npgsql;

using Telematics.Api.Ingest;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Ingest;

namespace Telematics.Api.Storage;

/// <summary>
/// Once the migrations are applied, gives the trips stored before trips kept their state their state
/// (<see cref="TripStateBackfill"/>), in the background: the host serves meanwhile, and a driver with such a trip in
/// the period asked is refused by scoring with the reason until its trips are rebuilt. A database failure is retried.
/// </summary>
internal sealed class TripStateBackfiller(
    DatabaseConnection connection,
    DatabaseMigrator migrator,
    IOptions<IngestOptions> ingest,
    TimeProvider time,
    ILogger<TripStateBackfiller> logger) : BackgroundService
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(30);
    private static readonly AuditActor Actor = new("host:trip-state-backfill");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (connection.DataSource is not { } dataSource)
        {
            return;
        }

        while (!await migrator.WaitUntilAppliedAsync(Retry, stoppingToken).ConfigureAwait(false))
        {
            // Not migrated yet (or refused): keep waiting; the migrator reports why.
        }

        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(ingest.Value.DefaultTimeZone, out var found) ? found : TimeZoneInfo.Utc;
        var backfill = new TripStateBackfill(dataSource, new TripStateBackfillOptions { DefaultTimeZone = zone }, time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pending = await backfill.CountPendingAsync(stoppingToken).ConfigureAwait(false);
                if (pending > 0)
                {
                    StorageLog.TripStatesBackfilling(logger, pending);
                    var report = await backfill.RunAsync(Actor, cancellationToken: stoppingToken).ConfigureAwait(false);
                    StorageLog.TripStatesBackfilled(logger, report.Rebuilt, report.Changed, report.Unrecoverable);
                }

                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                StorageLog.TripStatesWaiting(logger, ex.Message);
                await Task.Delay(Retry, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
