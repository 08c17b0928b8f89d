using Telematics.Api.Caching;
using Telematics.Api.Live;
using Telematics.Service.Ingest;
using Telematics.Streaming.Nats.Ingest;

namespace Telematics.Api.Ingest;

/// <summary>
/// What follows a stored upload, whoever stored it (the upload endpoint, or the host's own ingest workers for a streamed
/// one): the driver's cached reads and the book views are dropped (here and, through the fan-out, on the other hosts)
/// and live clients hear of completed trips.
/// </summary>
internal sealed class StoredBatchRefresh(ApiCache cache, LiveUpdates live) : IStoredBatchObserver
{
    // The token is not passed on: the batch is stored, so its cache drops and live messages are owed whatever happens to
    // the caller (both are bounded on their own).
    public async Task BatchStoredAsync(long driverId, EventStreamResult stored, CancellationToken cancellationToken)
    {
        await cache.InvalidateAsync([CacheTags.Driver(driverId), CacheTags.Dashboards]).ConfigureAwait(false);
        await live.TripsCompletedAsync(driverId, stored).ConfigureAwait(false);
    }
}
