using System.Globalization;

using Npgsql;

using NpgsqlTypes;

using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Storage.Postgres.Trips;

namespace Telematics.Storage.Postgres.Ingest;

/// <summary>
/// Runs a driver's stored raw events from one instant on through a fresh <see cref="DriverFeaturePipeline"/>, read by
/// <c>COPY (SELECT …) TO STDOUT (FORMAT BINARY)</c> inside the caller's transaction, chunk by chunk in time order.
/// </summary>
/// <remarks>
/// The stored rows are the raw samples exactly as they were received (NULL back to NaN), so the pipeline sees what it
/// would have seen had they arrived in one upload; the primary key order (ts, event_id) is the replay order. Memory is
/// one chunk plus the pipeline's open trip.
/// </remarks>
internal static class StoredEventReplay
{
    /// <summary>Replays the driver's events with <c>fromUnixMs &lt;= ts &lt; toUnixMs</c> and closes the last trip at their end.</summary>
    /// <returns>The trips closed, in time order, and their cleaning drop count.</returns>
    public static async Task<(List<TripFeatures> Trips, long Dropped)> RunAsync(
        NpgsqlConnection connection, long driverId, long fromUnixMs, TimeZoneInfo zone, DriverPipelineOptions? options, int chunkSize, CancellationToken cancellationToken,
        long toUnixMs = long.MaxValue)
    {
        var pipeline = new DriverFeaturePipeline(zone, options);
        var trips = new List<TripFeatures>();
        var chunk = new SampleBuffer(chunkSize);

        // COPY takes no parameters: the id and bound are rendered from typed values, never from caller text.
        var sql = string.Create(
            CultureInfo.InvariantCulture,
            $"COPY (SELECT event_id, ts, latitude_deg, longitude_deg, speed_mps, heading_deg, long_accel_mps2, lat_accel_mps2, gps_accuracy_m, " +
            $"speed_limit_mps, road_class, flags FROM telematics_events WHERE driver_id = {driverId} " +
            $"AND ts >= '{TripRepository.Literal(DateTimeOffset.FromUnixTimeMilliseconds(fromUnixMs))}'{Before(toUnixMs)} ORDER BY ts, event_id) TO STDOUT (FORMAT BINARY)");
        await using (var export = await connection.BeginBinaryExportAsync(sql, cancellationToken).ConfigureAwait(false))
        {
            while (await export.StartRowAsync(cancellationToken).ConfigureAwait(false) != -1)
            {
                var eventId = await export.ReadAsync<long>(NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                var ts = await export.ReadAsync<DateTime>(NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                var latitude = await export.ReadAsync<double>(NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                var longitude = await export.ReadAsync<double>(NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                chunk.Add(new TelematicsSample(PostgresTimestamp.UnixMs(ts), latitude, longitude)
                {
                    SpeedMps = await ReadRealAsync(export, cancellationToken).ConfigureAwait(false),
                    HeadingDeg = await ReadRealAsync(export, cancellationToken).ConfigureAwait(false),
                    LongitudinalAccelMps2 = await ReadRealAsync(export, cancellationToken).ConfigureAwait(false),
                    LateralAccelMps2 = await ReadRealAsync(export, cancellationToken).ConfigureAwait(false),
                    GpsAccuracyM = await ReadRealAsync(export, cancellationToken).ConfigureAwait(false),
                    SpeedLimitMps = await ReadRealAsync(export, cancellationToken).ConfigureAwait(false),
                    RoadClass = (RoadClass)await export.ReadAsync<short>(NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false),
                    Flags = (SampleFlags)await export.ReadAsync<short>(NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false),
                    EventId = eventId,
                });
                if (chunk.Count == chunkSize)
                {
                    trips.AddRange(pipeline.Push(chunk));
                    chunk.Clear();
                }
            }
        }

        if (chunk.Count > 0)
        {
            trips.AddRange(pipeline.Push(chunk));
        }

        trips.AddRange(pipeline.Complete());
        return (trips, pipeline.Cleaning.DroppedCount);
    }

    private static string Before(long toUnixMs) => toUnixMs == long.MaxValue
        ? string.Empty
        : $" AND ts < '{TripRepository.Literal(DateTimeOffset.FromUnixTimeMilliseconds(toUnixMs))}'";

    // SQL NULL is a missing value, NaN in a SampleBuffer (EventIngestor stores NaN as NULL).
    private static async ValueTask<float> ReadRealAsync(NpgsqlBinaryExporter export, CancellationToken cancellationToken)
    {
        if (export.IsNull)
        {
            await export.SkipAsync(cancellationToken).ConfigureAwait(false);
            return float.NaN;
        }

        return await export.ReadAsync<float>(NpgsqlDbType.Real, cancellationToken).ConfigureAwait(false);
    }
}
