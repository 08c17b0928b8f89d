using System.Globalization;
using System.Runtime.CompilerServices;

using Npgsql;

using NpgsqlTypes;

using Telematics.Features.Samples;
using Telematics.Storage.Postgres.Trips;

namespace Telematics.Storage.Postgres.Ingest;

/// <summary>
/// Reads a driver's stored raw events from one instant on, by <c>COPY (SELECT …) TO STDOUT (FORMAT BINARY)</c> on the
/// caller's connection (inside its transaction, if any), chunk by chunk in time order: what a replay through a fresh
/// pipeline (<see cref="Service.Ingest.EventReplay"/>) reads.
/// </summary>
/// <remarks>
/// The stored rows are the raw samples exactly as they were received (NULL back to NaN), so the pipeline sees what it
/// would have seen had they arrived in one upload; the primary key order (ts, event_id) is the replay order. Memory is
/// one chunk.
/// </remarks>
internal static class StoredEventReader
{
    /// <summary>Yields the driver's events in [<paramref name="fromUnixMs"/>, <paramref name="toUnixMs"/>) in one reused buffer of <paramref name="chunkSize"/> samples.</summary>
    public static async IAsyncEnumerable<SampleBuffer> ReadAsync(
        NpgsqlConnection connection, long driverId, long fromUnixMs, long toUnixMs, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
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
                    // The consumer (the pipeline) cleans the chunk in place; it is refilled only after it returns.
                    yield return chunk;
                    chunk.Clear();
                }
            }
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
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
