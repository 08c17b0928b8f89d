using Telematics.Features.Samples;
using Telematics.Storage.Postgres.Ingest;

namespace Telematics.Storage.Postgres.Trips;

// The raw events of one stored trip, for drawing it.
public sealed partial class TripReader
{
    /// <summary>The most events <see cref="ReadEventsAsync"/> returns: a trip of more is refused rather than read whole.</summary>
    public const int MaxTripEvents = 200_000;

    /// <summary>
    /// Reads the raw events a trip was measured from — the driver's stored events from its start to its end, both
    /// included — as they were received (missing values NaN), in time order.
    /// </summary>
    /// <param name="trip">The trip (<see cref="GetAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events; empty when they were archived or erased since.</returns>
    /// <exception cref="InvalidOperationException">The trip has more than <see cref="MaxTripEvents"/> events.</exception>
    public async Task<SampleBuffer> ReadEventsAsync(StoredTrip trip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trip);
        var events = new SampleBuffer(Math.Clamp(trip.SampleCount, 1, MaxTripEvents));
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var chunk in StoredEventReader.ReadAsync(
            connection, trip.DriverId, trip.StartedAt.ToUnixTimeMilliseconds(), trip.EndedAt.ToUnixTimeMilliseconds() + 1, 4096, cancellationToken).ConfigureAwait(false))
        {
            if (events.Count + chunk.Count > MaxTripEvents)
            {
                throw new InvalidOperationException($"Trip {trip.TripId} has more than {MaxTripEvents} events; it is not read whole.");
            }

            events.AddRange(chunk);
        }

        return events;
    }
}
