using System.Buffers.Binary;
using System.Globalization;

namespace Telematics.Storage.Postgres.Trips;

/// <summary>
/// Frames the output of <c>COPY (SELECT driver_id, trip_id, started_at, &lt;value&gt; …) TO STDOUT (FORMAT BINARY)</c>
/// straight from the raw byte stream: each row's three fixed fields are decoded and its value handed to a sink as the
/// bytes in the read buffer, so nothing is materialised per row (Npgsql's typed reads made an array per row).
/// </summary>
/// <remarks>
/// Layout (PostgreSQL "COPY binary format"): an 11-byte signature, int32 flags, int32 extension length and its bytes;
/// then per row an int16 field count (−1 ends the data) and per field an int32 length (−1 = NULL) and that many bytes,
/// all big-endian. <c>timestamptz</c> is int64 microseconds since 2000-01-01 UTC.
/// </remarks>
internal static class TripCopyStream
{
    /// <summary>Default read buffer: large enough for hundreds of rows per refill.</summary>
    internal const int DefaultBufferSize = 1 << 16;

    private const long PostgresEpochUnixMicroseconds = 946_684_800_000_000;

    /// <summary>"PGCOPY\n\377\r\n\0".</summary>
    private static ReadOnlySpan<byte> Signature => [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00];

    /// <summary>Receives the rows of the stream in order.</summary>
    internal interface IRowSink
    {
        /// <summary>Rows received so far (names the row in errors).</summary>
        int Count { get; }

        /// <summary>One row; <paramref name="value"/> is valid only during the call and empty when <paramref name="isNull"/>.</summary>
        void Add(long driverId, long tripId, long startedAtUnixMs, ReadOnlySpan<byte> value, bool isNull);
    }

    /// <summary>Reads every row of the stream into <paramref name="sink"/>, and the stream to its end.</summary>
    /// <param name="stream">The raw COPY output (e.g. Npgsql's raw binary copy stream).</param>
    /// <param name="sink">Receives the rows.</param>
    /// <param name="valueField">The fourth column's name, for errors.</param>
    /// <param name="bufferSize">Initial read buffer size in bytes; grows when one row does not fit.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="InvalidDataException">The stream is not binary COPY output of the four expected columns; the message names the row and field.</exception>
    public static async Task ReadAsync<TSink>(Stream stream, TSink sink, string valueField, int bufferSize, CancellationToken cancellationToken)
        where TSink : IRowSink
    {
        var buffer = new byte[Math.Max(bufferSize, 64)];
        int start = 0, end = 0;
        var headerRead = false;
        var finished = false;
        while (!finished)
        {
            if (start > 0)
            {
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                end -= start;
                start = 0;
            }
            else if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"The trip COPY stream ended inside row {sink.Count + 1} ({end - start} bytes left over) before its end marker."));
            }

            end += read;
            finished = Parse(buffer.AsSpan(0, end), ref start, ref headerRead, sink, valueField);
        }

        // Read to the stream's end so that the COPY completes normally (nothing may follow the end marker).
        if (end > start || await stream.ReadAsync(buffer.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) > 0)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"The trip COPY stream has data after its end marker (after row {sink.Count})."));
        }
    }

    /// <summary>An error naming the row about to be added and its field.</summary>
    internal static InvalidDataException Bad(int rowsBefore, string field, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Trip COPY row {rowsBefore + 1}: field '{field}' {problem}."));

    /// <summary>Consumes every complete row of <paramref name="data"/> from <paramref name="start"/>.</summary>
    /// <returns><see langword="true"/> when the end marker was consumed.</returns>
    private static bool Parse<TSink>(ReadOnlySpan<byte> data, ref int start, ref bool headerRead, TSink sink, string valueField)
        where TSink : IRowSink
    {
        if (!headerRead)
        {
            if (data.Length - start < Signature.Length + 8)
            {
                return false;
            }

            var header = data[start..];
            if (!header[..Signature.Length].SequenceEqual(Signature))
            {
                throw new InvalidDataException("The trip COPY stream does not start with the binary COPY signature.");
            }

            var extension = BinaryPrimitives.ReadInt32BigEndian(header[(Signature.Length + 4)..]);
            if (extension < 0)
            {
                throw new InvalidDataException("The trip COPY stream has a negative header extension length.");
            }

            var headerLength = Signature.Length + 8 + extension;
            if (header.Length < headerLength)
            {
                return false;
            }

            start += headerLength;
            headerRead = true;
        }

        while (data.Length - start >= 2)
        {
            var row = data[start..];
            var fields = BinaryPrimitives.ReadInt16BigEndian(row);
            if (fields == -1)
            {
                start += 2;
                return true;
            }

            if (fields != 4)
            {
                throw Bad(sink.Count, "row", $"has {fields} fields; expected driver_id, trip_id, started_at, {valueField}");
            }

            var at = 2;
            if (!TryFixed(row, ref at, sink, "driver_id", out var driverId)
                || !TryFixed(row, ref at, sink, "trip_id", out var tripId)
                || !TryFixed(row, ref at, sink, "started_at", out var startedMicros)
                || !TryValue(row, ref at, sink, valueField, out var value, out var isNull))
            {
                return false;
            }

            if (startedMicros is long.MaxValue or long.MinValue)
            {
                throw Bad(sink.Count, "started_at", "is infinity");
            }

            sink.Add(driverId, tripId, (startedMicros + PostgresEpochUnixMicroseconds) / 1000, value, isNull);
            start += at;
        }

        return false;
    }

    private static bool TryFixed<TSink>(ReadOnlySpan<byte> row, ref int at, TSink sink, string field, out long value)
        where TSink : IRowSink
    {
        value = 0;
        if (row.Length - at < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(row[at..]);
        if (length != 8)
        {
            throw Bad(sink.Count, field, length == -1 ? "is NULL" : $"has {length} bytes; expected 8");
        }

        if (row.Length - at < 12)
        {
            return false;
        }

        value = BinaryPrimitives.ReadInt64BigEndian(row[(at + 4)..]);
        at += 12;
        return true;
    }

    private static bool TryValue<TSink>(ReadOnlySpan<byte> row, ref int at, TSink sink, string field, out ReadOnlySpan<byte> value, out bool isNull)
        where TSink : IRowSink
    {
        value = default;
        isNull = false;
        if (row.Length - at < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(row[at..]);
        if (length == -1)
        {
            isNull = true;
            at += 4;
            return true;
        }

        if (length < 0)
        {
            throw Bad(sink.Count, field, $"has a length of {length}");
        }

        if (row.Length - at - 4 < length)
        {
            return false;
        }

        value = row.Slice(at + 4, length);
        at += 4 + length;
        return true;
    }
}
