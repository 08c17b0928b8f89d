using System.Buffers;
using System.Buffers.Binary;
using Npgsql;
using Telematics.Features.Samples;

namespace Telematics.Storage.Postgres.Ingest;

/// <summary>
/// Writes event rows in PostgreSQL's binary COPY format straight from a <see cref="SampleBuffer"/>'s columns into one
/// pooled buffer: per value only its bytes, no per-value parameter binding. This is what lets ingest keep up with the
/// server (Npgsql's row-by-row binary importer spent more CPU than the server did on the same rows).
/// </summary>
/// <remarks>
/// The format (PostgreSQL documentation, COPY, "Binary Format"): the 11-byte signature, a 32-bit flags field and a
/// 32-bit header-extension length; per row a 16-bit field count and per field a 32-bit byte length (−1 for NULL)
/// followed by the value in network byte order; a 16-bit −1 trailer. Columns in the order of
/// <see cref="EventIngestor.Columns"/>.
/// </remarks>
internal static class EventCopyEncoder
{
    /// <summary>Bytes of one row at most: count, 13 lengths, 3 × int64/timestamptz, 2 × float8, 6 × float4, 2 × int2.</summary>
    internal const int MaxRowBytes = 2 + (13 * 4) + (3 * 8) + (2 * 8) + (6 * 4) + (2 * 2);

    private const int FieldCount = 13;

    private const int BufferBytes = 64 * 1024;

    // Microseconds between the Unix epoch and PostgreSQL's, 2000-01-01 UTC.
    private const long PostgresEpochUnixMicroseconds = 946_684_800_000_000;

    private static ReadOnlySpan<byte> Header => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>
    /// COPies the samples straight into <c>telematics_events</c> inside a savepoint; returns the rows stored, or
    /// <see langword="null"/> when some are stored already (a unique violation), in which case nothing of the COPY stays and
    /// the transaction goes on for the caller to merge them instead. The months' partitions must exist.
    /// </summary>
    public static Task<long?> TryCopyNewAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, SampleBuffer samples, CancellationToken cancellationToken) =>
        TryCopyNewAsync(connection, transaction, [new DriverSamples(driverId, samples)], cancellationToken);

    /// <summary>
    /// <see cref="TryCopyNewAsync(NpgsqlConnection, NpgsqlTransaction, long, SampleBuffer, CancellationToken)"/> for several
    /// drivers' samples in one COPY statement: all of them stored, or (some stored already) none.
    /// </summary>
    public static async Task<long?> TryCopyNewAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DriverSamples> rows, CancellationToken cancellationToken)
    {
        const string Savepoint = "direct";
        await transaction.SaveAsync(Savepoint, cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = (long)await CopyAsync(connection, "telematics_events", rows, cancellationToken).ConfigureAwait(false);
            await transaction.ReleaseAsync(Savepoint, cancellationToken).ConfigureAwait(false);
            return stored;
        }
        catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await transaction.RollbackAsync(Savepoint, cancellationToken).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>Copies every sample into <paramref name="table"/> with one binary COPY; returns the row count.</summary>
    /// <exception cref="PostgresException">The server refused a row, e.g. a unique violation (23505); nothing of the COPY is stored.</exception>
    public static Task<ulong> CopyAsync(NpgsqlConnection connection, string table, long driverId, SampleBuffer samples, CancellationToken cancellationToken) =>
        CopyAsync(connection, table, [new DriverSamples(driverId, samples)], cancellationToken);

    /// <summary>Copies several drivers' samples into <paramref name="table"/> with one binary COPY; returns the row count.</summary>
    /// <exception cref="PostgresException">The server refused a row, e.g. a unique violation (23505); nothing of the COPY is stored.</exception>
    public static async Task<ulong> CopyAsync(NpgsqlConnection connection, string table, IReadOnlyList<DriverSamples> rows, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        ulong count = 0;
        try
        {
            await using var copy = await connection.BeginRawBinaryCopyAsync(
                $"COPY {table} ({EventIngestor.Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            Header.CopyTo(buffer);
            var used = Header.Length;
            for (var r = 0; r < rows.Count; r++)
            {
                var (driverId, samples) = rows[r];
                for (var i = 0; i < samples.Count; i++)
                {
                    if (used + MaxRowBytes > buffer.Length)
                    {
                        await copy.WriteAsync(buffer.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
                        used = 0;
                    }

                    used += WriteRow(buffer.AsSpan(used), driverId, samples, i);
                }

                count += (ulong)samples.Count;
            }

            BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(used), -1);
            await copy.WriteAsync(buffer.AsMemory(0, used + 2), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return count;
    }

    /// <summary>Encodes row <paramref name="i"/>; returns the bytes written (at most <see cref="MaxRowBytes"/>).</summary>
    internal static int WriteRow(Span<byte> destination, long driverId, SampleBuffer samples, int i)
    {
        BinaryPrimitives.WriteInt16BigEndian(destination, FieldCount);
        var at = 2;
        at += Int64(destination[at..], driverId);
        at += Int64(destination[at..], samples.EventId[i]);
        at += Int64(destination[at..], (samples.TimestampUnixMs[i] * 1000) - PostgresEpochUnixMicroseconds);
        at += Float8(destination[at..], samples.LatitudeDeg[i]);
        at += Float8(destination[at..], samples.LongitudeDeg[i]);
        at += Float4(destination[at..], samples.SpeedMps[i]);
        at += Float4(destination[at..], samples.HeadingDeg[i]);
        at += Float4(destination[at..], samples.LongitudinalAccelMps2[i]);
        at += Float4(destination[at..], samples.LateralAccelMps2[i]);
        at += Float4(destination[at..], samples.GpsAccuracyM[i]);
        at += Float4(destination[at..], samples.SpeedLimitMps[i]);
        at += Int16(destination[at..], (short)samples.RoadClass[i]);
        at += Int16(destination[at..], (short)samples.Flags[i]);
        return at;
    }

    private static int Int64(Span<byte> destination, long value)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, 8);
        BinaryPrimitives.WriteInt64BigEndian(destination[4..], value);
        return 12;
    }

    private static int Float8(Span<byte> destination, double value)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, 8);
        BinaryPrimitives.WriteDoubleBigEndian(destination[4..], value);
        return 12;
    }

    // A missing optional value (NaN) is NULL, as the columns document.
    private static int Float4(Span<byte> destination, float value)
    {
        if (float.IsNaN(value))
        {
            BinaryPrimitives.WriteInt32BigEndian(destination, -1);
            return 4;
        }

        BinaryPrimitives.WriteInt32BigEndian(destination, 4);
        BinaryPrimitives.WriteSingleBigEndian(destination[4..], value);
        return 8;
    }

    private static int Int16(Span<byte> destination, short value)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, 2);
        BinaryPrimitives.WriteInt16BigEndian(destination[4..], value);
        return 6;
    }
}

/// <summary>One driver's samples in a COPY of several drivers' rows.</summary>
internal readonly record struct DriverSamples(long DriverId, SampleBuffer Samples);
