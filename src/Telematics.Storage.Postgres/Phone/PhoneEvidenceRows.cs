using Npgsql;

using NpgsqlTypes;

using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Storage.Postgres.Trips;

namespace Telematics.Storage.Postgres.Phone;

/// <summary>
/// A driver's phone evidence in <c>phone_evidence</c> (migration 0023), written and read inside the caller's transaction:
/// stored once per recording (a recording sent again adds nothing; one overlapping another is refused), read back into an
/// <see cref="ImuTripEvidence"/> for every replay that re-measures trips.
/// </summary>
internal static class PhoneEvidenceRows
{
    private const string Coverage = "coverage";
    private const string Handling = "phone_handling";

    // The bounds DateTimeOffset can hold: replays ask for "no end" with long.MaxValue.
    private static readonly long MinMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>The span [first start, last end] of everything <paramref name="imu"/> holds; null when it is empty.</summary>
    public static (long From, long To)? Extent(ImuTripEvidence imu)
    {
        long from = long.MaxValue, to = long.MinValue;
        if (imu.CoverageCount > 0)
        {
            from = Math.Min(from, imu.CoverageStartUnixMs[0]);
            to = Math.Max(to, imu.CoverageEndUnixMs[^1]);
        }

        if (imu.HandlingCount > 0)
        {
            from = Math.Min(from, imu.HandlingStartUnixMs[0]);
            to = Math.Max(to, imu.HandlingEndUnixMs[^1]);
        }

        if (imu.ManoeuvreCount > 0)
        {
            from = Math.Min(from, imu.ManoeuvreStartUnixMs[0]);
            foreach (var end in imu.ManoeuvreEndUnixMs)
            {
                to = Math.Max(to, end);
            }
        }

        return from == long.MaxValue ? null : (from, to);
    }

    /// <summary>Stores every row of <paramref name="imu"/> for the driver; rows already stored (driver, start, kind) are skipped.</summary>
    /// <returns>Rows newly stored; 0 when the same recording was stored before.</returns>
    /// <exception cref="PhoneEvidenceConflictException">Other stored evidence overlaps this recording; nothing is written.</exception>
    /// <exception cref="PostgresException">A value is out of the table's bounds (23514) or the driver does not exist (23503).</exception>
    public static async Task<long> StoreAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, ImuTripEvidence imu, CancellationToken cancellationToken)
    {
        if (Extent(imu) is not var (from, to))
        {
            return 0;
        }

        var total = imu.CoverageCount + imu.ManoeuvreCount + imu.HandlingCount;
        long before;

        // Strictly inside: a recording that only touches the one before it is not an overlap.
        await using (var overlap = new NpgsqlCommand(
            "SELECT count(*) FROM phone_evidence WHERE driver_id = $1 AND started_at < $3 AND ended_at > $2", connection, transaction))
        {
            overlap.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
            overlap.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(from) });
            overlap.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(to) });
            before = (long)(await overlap.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var kinds = new string[total];
        var starts = new DateTime[total];
        var ends = new DateTime[total];
        var peaks = new DateTime?[total];
        var peakMps2 = new float?[total];
        var severity = new float?[total];
        var rotation = new float?[total];
        var remounted = new bool?[total];
        var row = 0;
        for (var i = 0; i < imu.CoverageCount; i++, row++)
        {
            (kinds[row], starts[row], ends[row]) = (Coverage, Utc(imu.CoverageStartUnixMs[i]), Utc(imu.CoverageEndUnixMs[i]));
        }

        for (var i = 0; i < imu.ManoeuvreCount; i++, row++)
        {
            (kinds[row], starts[row], ends[row]) = (TripManoeuvreWriter.Name(imu.ManoeuvreKinds[i]), Utc(imu.ManoeuvreStartUnixMs[i]), Utc(imu.ManoeuvreEndUnixMs[i]));
            (peaks[row], peakMps2[row], severity[row]) = (Utc(imu.ManoeuvrePeakUnixMs[i]), imu.ManoeuvrePeakMps2[i], imu.ManoeuvreSeverity[i]);
        }

        for (var i = 0; i < imu.HandlingCount; i++, row++)
        {
            (kinds[row], starts[row], ends[row]) = (Handling, Utc(imu.HandlingStartUnixMs[i]), Utc(imu.HandlingEndUnixMs[i]));
            (rotation[row], remounted[row]) = (imu.HandlingPeakRotationRadS[i], imu.HandlingRemounted[i]);
        }

        // One statement for the whole recording; ON CONFLICT makes a recording sent again store nothing.
        await using var insert = new NpgsqlCommand(
            "INSERT INTO phone_evidence (driver_id, kind, started_at, ended_at, peak_at, peak_mps2, severity, peak_rotation_rad_s, remounted) " +
            "SELECT $1, * FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::real[], $7::real[], $8::real[], $9::boolean[]) " +
            "ON CONFLICT DO NOTHING",
            connection,
            transaction);
        var columns = new object[] { kinds, starts, ends, peaks, peakMps2, severity, rotation, remounted };
        AddRows(insert.Parameters, driverId, columns);
        var inserted = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        // Rows were stored there before: only the very same recording sent again (nothing new, nothing else, every value
        // equal) is accepted; the key (driver, start, kind) alone would take a re-analysed recording for a re-send.
        if (before > 0 && (inserted > 0 || before != total || await SameRowsAsync(connection, transaction, driverId, columns, cancellationToken).ConfigureAwait(false) != total))
        {
            throw new PhoneEvidenceConflictException(from, to, before);
        }

        return inserted;
    }

    // Stored rows equal in every column to one of the given rows.
    private static async Task<long> SameRowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, object[] columns, CancellationToken cancellationToken)
    {
        await using var same = new NpgsqlCommand(
            "SELECT count(*) FROM phone_evidence p JOIN unnest($2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::real[], $7::real[], $8::real[], $9::boolean[]) " +
            "AS n (kind, started_at, ended_at, peak_at, peak_mps2, severity, peak_rotation_rad_s, remounted) " +
            "ON p.driver_id = $1 AND p.kind = n.kind AND p.started_at = n.started_at AND p.ended_at = n.ended_at AND p.peak_at IS NOT DISTINCT FROM n.peak_at " +
            "AND p.peak_mps2 IS NOT DISTINCT FROM n.peak_mps2 AND p.severity IS NOT DISTINCT FROM n.severity " +
            "AND p.peak_rotation_rad_s IS NOT DISTINCT FROM n.peak_rotation_rad_s AND p.remounted IS NOT DISTINCT FROM n.remounted",
            connection,
            transaction);
        AddRows(same.Parameters, driverId, columns);
        return (long)(await same.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    // $1 the driver, $2–$9 the rows' columns as arrays.
    private static void AddRows(NpgsqlParameterCollection parameters, long driverId, object[] columns)
    {
        parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = (string[])columns[0] });
        parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = (DateTime[])columns[1], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = (DateTime[])columns[2], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        parameters.Add(new NpgsqlParameter<DateTime?[]> { TypedValue = (DateTime?[])columns[3], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        parameters.Add(new NpgsqlParameter<float?[]> { TypedValue = (float?[])columns[4] });
        parameters.Add(new NpgsqlParameter<float?[]> { TypedValue = (float?[])columns[5] });
        parameters.Add(new NpgsqlParameter<float?[]> { TypedValue = (float?[])columns[6] });
        parameters.Add(new NpgsqlParameter<bool?[]> { TypedValue = (bool?[])columns[7] });
    }

    /// <summary>Adds the driver's stored rows that reach into [<paramref name="fromUnixMs"/>, <paramref name="toUnixMs"/>) to <paramref name="destination"/>, in order of start.</summary>
    public static async Task ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, long driverId, long fromUnixMs, long toUnixMs, ImuTripEvidence destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await using var command = new NpgsqlCommand(
            "SELECT kind, started_at, ended_at, peak_at, peak_mps2, severity, peak_rotation_rad_s, remounted FROM phone_evidence " +
            "WHERE driver_id = $1 AND ended_at >= $2 AND started_at < $3 ORDER BY started_at, kind",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(Math.Clamp(fromUnixMs, MinMs, MaxMs)) });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(Math.Clamp(toUnixMs, MinMs, MaxMs)) });
        var columns = new EvidenceColumns();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var kind = reader.GetString(0);
                var start = PostgresTimestamp.UnixMs(reader.GetFieldValue<DateTime>(1));
                var end = PostgresTimestamp.UnixMs(reader.GetFieldValue<DateTime>(2));
                switch (kind)
                {
                    case Coverage:
                        columns.Coverage(start, end);
                        break;
                    case Handling:
                        columns.Handling(start, end, reader.GetFloat(6), reader.GetBoolean(7));
                        break;
                    default:
                        columns.Manoeuvre(Kind(kind), start, end, PostgresTimestamp.UnixMs(reader.GetFieldValue<DateTime>(3)), reader.GetFloat(4), reader.GetFloat(5));
                        break;
                }
            }
        }

        columns.AddTo(destination);
    }

    private static ManoeuvreKind Kind(string name) => name switch
    {
        "harsh_braking" => ManoeuvreKind.HarshBraking,
        "harsh_acceleration" => ManoeuvreKind.HarshAcceleration,
        "harsh_left_turn" => ManoeuvreKind.HarshLeftTurn,
        "harsh_right_turn" => ManoeuvreKind.HarshRightTurn,
        "aggressive_left_lane_change" => ManoeuvreKind.AggressiveLeftLaneChange,
        "aggressive_right_lane_change" => ManoeuvreKind.AggressiveRightLaneChange,
        _ => throw new InvalidOperationException($"phone_evidence holds an unknown kind '{name}'."),
    };

    private static DateTime Utc(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime;

    // The rows read, as the columns ImuTripEvidence takes back in one checked call per group.
    private sealed class EvidenceColumns
    {
        private readonly List<long> _coverStart = [], _coverEnd = [];
        private readonly List<ManoeuvreKind> _kind = [];
        private readonly List<long> _start = [], _end = [], _peakAt = [];
        private readonly List<float> _peak = [], _severity = [];
        private readonly List<long> _handlingStart = [], _handlingEnd = [];
        private readonly List<float> _rotation = [];
        private readonly List<bool> _remounted = [];

        public void Coverage(long start, long end)
        {
            _coverStart.Add(start);
            _coverEnd.Add(end);
        }

        public void Manoeuvre(ManoeuvreKind kind, long start, long end, long peakAt, float peak, float severity)
        {
            _kind.Add(kind);
            _start.Add(start);
            _end.Add(end);
            _peakAt.Add(peakAt);
            _peak.Add(peak);
            _severity.Add(severity);
        }

        public void Handling(long start, long end, float rotation, bool remounted)
        {
            _handlingStart.Add(start);
            _handlingEnd.Add(end);
            _rotation.Add(rotation);
            _remounted.Add(remounted);
        }

        public void AddTo(ImuTripEvidence destination)
        {
            destination.AddCoverageSpans(Span(_coverStart), Span(_coverEnd));
            destination.AddManoeuvres(Span(_kind), Span(_start), Span(_end), Span(_peakAt), Span(_peak), Span(_severity));
            destination.AddHandlingSpans(Span(_handlingStart), Span(_handlingEnd), Span(_rotation), Span(_remounted));
        }

        private static ReadOnlySpan<T> Span<T>(List<T> list) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list);
    }
}
