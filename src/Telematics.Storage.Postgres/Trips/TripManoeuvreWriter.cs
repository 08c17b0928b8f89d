using Npgsql;

using NpgsqlTypes;

using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Pipeline;

namespace Telematics.Storage.Postgres.Trips;

/// <summary>
/// Copies the phone manoeuvres and handling spans of newly inserted trips into <c>trip_manoeuvres</c>, inside the trips'
/// transaction. A row belongs to the trip whose span [start, end] holds its start — the rule the trip features counted
/// the manoeuvres by (<see cref="Features.Extraction.TripFeatureAccumulator.Imu"/>).
/// </summary>
internal static class TripManoeuvreWriter
{
    private const string Copy =
        "COPY trip_manoeuvres (driver_id, trip_id, kind, started_at, ended_at, peak_at, peak_mps2, severity, peak_rotation_rad_s, remounted) FROM STDIN (FORMAT BINARY)";

    /// <summary>The stored name of a manoeuvre kind, as <c>telematics events detect</c> writes it.</summary>
    public static string Name(ManoeuvreKind kind) => kind switch
    {
        ManoeuvreKind.HarshBraking => "harsh_braking",
        ManoeuvreKind.HarshAcceleration => "harsh_acceleration",
        ManoeuvreKind.HarshLeftTurn => "harsh_left_turn",
        ManoeuvreKind.HarshRightTurn => "harsh_right_turn",
        ManoeuvreKind.AggressiveLeftLaneChange => "aggressive_left_lane_change",
        ManoeuvreKind.AggressiveRightLaneChange => "aggressive_right_lane_change",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a manoeuvre kind."),
    };

    /// <summary>Writes the rows of the trips in <paramref name="inserted"/>; trips already stored before keep theirs.</summary>
    /// <returns>How many rows were written.</returns>
    public static async Task<long> WriteAsync(
        NpgsqlConnection connection, long driverId, IReadOnlyList<TripFeatures> trips, List<(int Index, long TripId)> inserted, ImuTripEvidence imu,
        CancellationToken cancellationToken)
    {
        if (inserted.Count == 0 || (imu.ManoeuvreCount == 0 && imu.HandlingCount == 0))
        {
            return 0;
        }

        long rows = 0;
        await using var writer = await connection.BeginBinaryImportAsync(Copy, cancellationToken).ConfigureAwait(false);
        foreach (var (index, tripId) in inserted)
        {
            var trip = trips[index];
            for (var k = FirstFrom(imu.ManoeuvreStartUnixMs, trip.StartUnixMs); k < imu.ManoeuvreCount && imu.ManoeuvreStartUnixMs[k] <= trip.EndUnixMs; k++)
            {
                await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await WriteKeyAsync(writer, driverId, tripId, Name(imu.ManoeuvreKinds[k]), imu.ManoeuvreStartUnixMs[k], imu.ManoeuvreEndUnixMs[k], cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(Utc(imu.ManoeuvrePeakUnixMs[k]), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(imu.ManoeuvrePeakMps2[k], NpgsqlDbType.Real, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(imu.ManoeuvreSeverity[k], NpgsqlDbType.Real, cancellationToken).ConfigureAwait(false);
                await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                rows++;
            }

            for (var k = FirstFrom(imu.HandlingStartUnixMs, trip.StartUnixMs); k < imu.HandlingCount && imu.HandlingStartUnixMs[k] <= trip.EndUnixMs; k++)
            {
                await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await WriteKeyAsync(writer, driverId, tripId, "phone_handling", imu.HandlingStartUnixMs[k], imu.HandlingEndUnixMs[k], cancellationToken).ConfigureAwait(false);
                await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(imu.HandlingPeakRotationRadS[k], NpgsqlDbType.Real, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(imu.HandlingRemounted[k], NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                rows++;
            }
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }

    private static async Task WriteKeyAsync(NpgsqlBinaryImporter writer, long driverId, long tripId, string kind, long startMs, long endMs, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(driverId, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(tripId, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(kind, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(Utc(startMs), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(Utc(endMs), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
    }

    private static DateTime Utc(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime;

    // First index whose start is at or after the key, on a non-decreasing column.
    private static int FirstFrom(ReadOnlySpan<long> sorted, long key)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (sorted[mid] >= key)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }
}
