using System.Runtime.CompilerServices;

using Npgsql;

using Telematics.Features.Samples;

namespace Telematics.Storage.Postgres.Ingest;

/// <summary>
/// Reads a driver's stored raw events from one instant on, by a parameterised <c>SELECT</c> on the caller's connection
/// (inside its transaction, if any), chunk by chunk in time order: what a replay through a fresh pipeline
/// (<see cref="Service.Ingest.EventReplay"/>) reads.
/// </summary>
/// <remarks>
/// The stored rows are the raw samples exactly as they were received (NULL back to NaN), so the pipeline sees what it
/// would have seen had they arrived in one upload; the primary key order (ts, event_id) is the replay order. Memory is
/// one chunk. A query rather than a binary COPY: the data reader holds each row whole, so its columns are read
/// synchronously, where the COPY exporter awaited every value (a tenth of a streamed ingest's client CPU went there); and
/// the statement, being the same text every time, is prepared once per connection.
/// </remarks>
internal static class StoredEventReader
{
    private const string Columns =
        "SELECT event_id, ts, latitude_deg, longitude_deg, speed_mps, heading_deg, long_accel_mps2, lat_accel_mps2, gps_accuracy_m, " +
        "speed_limit_mps, road_class, flags FROM telematics_events WHERE driver_id = $1 AND ts >= $2";

    private const string From = Columns + " ORDER BY ts, event_id";

    private const string Range = Columns + " AND ts < $3 ORDER BY ts, event_id";

    /// <summary>Yields the driver's events in [<paramref name="fromUnixMs"/>, <paramref name="toUnixMs"/>) in one reused buffer of at most <paramref name="chunkSize"/> samples.</summary>
    public static async IAsyncEnumerable<SampleBuffer> ReadAsync(
        NpgsqlConnection connection, long driverId, long fromUnixMs, long toUnixMs, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Grown up to chunkSize as rows come: a continued trip is often a few hundred events.
        var chunk = new SampleBuffer(Math.Min(chunkSize, SampleBuffer.DefaultCapacity));
        await using (var command = new NpgsqlCommand(toUnixMs == long.MaxValue ? From : Range, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTimeOffset.FromUnixTimeMilliseconds(fromUnixMs).UtcDateTime });
            if (toUnixMs != long.MaxValue)
            {
                command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTimeOffset.FromUnixTimeMilliseconds(toUnixMs).UtcDateTime });
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                chunk.Add(new TelematicsSample(PostgresTimestamp.UnixMs(reader.GetFieldValue<DateTime>(1)), reader.GetDouble(2), reader.GetDouble(3))
                {
                    SpeedMps = Real(reader, 4),
                    HeadingDeg = Real(reader, 5),
                    LongitudinalAccelMps2 = Real(reader, 6),
                    LateralAccelMps2 = Real(reader, 7),
                    GpsAccuracyM = Real(reader, 8),
                    SpeedLimitMps = Real(reader, 9),
                    RoadClass = (RoadClass)reader.GetInt16(10),
                    Flags = (SampleFlags)reader.GetInt16(11),
                    EventId = reader.GetInt64(0),
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

    // SQL NULL is a missing value, NaN in a SampleBuffer (EventIngestor stores NaN as NULL).
    private static float Real(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? float.NaN : reader.GetFloat(ordinal);
}
