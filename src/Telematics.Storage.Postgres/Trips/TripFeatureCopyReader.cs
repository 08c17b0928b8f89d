using System.Buffers.Binary;
using System.Globalization;

namespace Telematics.Storage.Postgres.Trips;

/// <summary>
/// Decodes the output of <c>COPY (SELECT driver_id, trip_id, started_at, features …) TO STDOUT (FORMAT BINARY)</c>
/// straight from the raw byte stream into a <see cref="TripFeatureMatrix"/>: the <c>real[]</c> elements are copied
/// into the matrix's one float array, so no per-trip array is materialised (Npgsql's <c>Read&lt;float[]&gt;</c> made
/// one per row, which kept the batch read at about twice the time of a bare COPY).
/// </summary>
/// <remarks>
/// Layout (PostgreSQL "COPY binary format"): an 11-byte signature, int32 flags, int32 extension length and its bytes;
/// then per row an int16 field count (−1 ends the data) and per field an int32 length (−1 = NULL) and that many bytes,
/// all big-endian. <c>timestamptz</c> is int64 microseconds since 2000-01-01 UTC; an array is int32 dimensions, int32
/// has-nulls flag, int32 element type oid, per dimension int32 size and int32 lower bound, then per element an int32
/// length and the value.
/// </remarks>
internal static class TripFeatureCopyReader
{
    /// <summary>Default read buffer: large enough for hundreds of rows per refill.</summary>
    internal const int DefaultBufferSize = 1 << 16;

    private const int Float4Oid = 700;
    private const long PostgresEpochUnixMicroseconds = 946_684_800_000_000;
    /// <summary>"PGCOPY\n\377\r\n\0".</summary>
    private static ReadOnlySpan<byte> Signature => [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00];

    /// <summary>Reads every row of the stream into a matrix.</summary>
    /// <param name="stream">The raw COPY output (e.g. Npgsql's raw binary copy stream), read to its end.</param>
    /// <param name="capacity">Expected rows (the arrays grow by doubling beyond it).</param>
    /// <param name="width">Features per row; shorter vectors leave the rest of the row at 0, longer ones are cut.</param>
    /// <param name="bufferSize">Initial read buffer size in bytes; grows when one row does not fit.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The rows in stream order.</returns>
    /// <exception cref="InvalidDataException">The stream is not binary COPY output of the four expected columns; the message names the row and field.</exception>
    public static async Task<TripFeatureMatrix> ReadAsync(Stream stream, int capacity, int width, int bufferSize, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Max(bufferSize, 64)];
        var builder = new Builder(Math.Max(capacity, 16), width);
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
                    $"The trip COPY stream ended inside row {builder.Count + 1} ({end - start} bytes left over) before its end marker."));
            }

            end += read;
            finished = Parse(buffer.AsSpan(0, end), ref start, ref headerRead, builder);
        }

        // Read to the stream's end so that the COPY completes normally (nothing may follow the end marker).
        if (end > start || await stream.ReadAsync(buffer.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) > 0)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"The trip COPY stream has data after its end marker (after row {builder.Count})."));
        }

        return builder.Build();
    }

    /// <summary>Consumes every complete row of <paramref name="data"/> from <paramref name="start"/>.</summary>
    /// <returns><see langword="true"/> when the end marker was consumed.</returns>
    private static bool Parse(ReadOnlySpan<byte> data, ref int start, ref bool headerRead, Builder builder)
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
                throw Bad(builder, "row", $"has {fields} fields; expected driver_id, trip_id, started_at, features");
            }

            var at = 2;
            if (!TryFixed(row, ref at, builder, "driver_id", out var driverId)
                || !TryFixed(row, ref at, builder, "trip_id", out var tripId)
                || !TryFixed(row, ref at, builder, "started_at", out var startedMicros)
                || !TryFeatures(row, ref at, builder, out var features))
            {
                return false;
            }

            if (startedMicros is long.MaxValue or long.MinValue)
            {
                throw Bad(builder, "started_at", "is infinity");
            }

            builder.Add(driverId, tripId, (startedMicros + PostgresEpochUnixMicroseconds) / 1000, features);
            start += at;
        }

        return false;
    }

    private static bool TryFixed(ReadOnlySpan<byte> row, ref int at, Builder builder, string field, out long value)
    {
        value = 0;
        if (row.Length - at < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(row[at..]);
        if (length != 8)
        {
            throw Bad(builder, field, length == -1 ? "is NULL" : $"has {length} bytes; expected 8");
        }

        if (row.Length - at < 12)
        {
            return false;
        }

        value = BinaryPrimitives.ReadInt64BigEndian(row[(at + 4)..]);
        at += 12;
        return true;
    }

    private static bool TryFeatures(ReadOnlySpan<byte> row, ref int at, Builder builder, out ReadOnlySpan<byte> array)
    {
        array = default;
        if (row.Length - at < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(row[at..]);
        if (length < 12)
        {
            throw Bad(builder, "features", length == -1 ? "is NULL" : $"has {length} bytes, too few for an array");
        }

        if (row.Length - at - 4 < length)
        {
            return false;
        }

        array = row.Slice(at + 4, length);
        at += 4 + length;
        return true;
    }

    private static InvalidDataException Bad(Builder builder, string field, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Trip COPY row {builder.Count + 1}: field '{field}' {problem}."));

    private sealed class Builder(int capacity, int width)
    {
        private long[] _drivers = new long[capacity];
        private long[] _trips = new long[capacity];
        private long[] _started = new long[capacity];
        private float[] _features = new float[capacity * width];

        public int Count { get; private set; }

        /// <summary>Appends a row, decoding the binary <c>real[]</c> <paramref name="array"/> into the matrix.</summary>
        public void Add(long driverId, long tripId, long startedAtUnixMs, ReadOnlySpan<byte> array)
        {
            if (Count == _drivers.Length)
            {
                var size = Count * 2;
                Array.Resize(ref _drivers, size);
                Array.Resize(ref _trips, size);
                Array.Resize(ref _started, size);
                Array.Resize(ref _features, size * width);
            }

            var dimensions = BinaryPrimitives.ReadInt32BigEndian(array);
            var elementType = BinaryPrimitives.ReadInt32BigEndian(array[8..]);
            if (elementType != Float4Oid)
            {
                throw Problem(tripId, $"has element type oid {elementType}; expected real ({Float4Oid})");
            }

            var elements = 0;
            var at = 12;
            if (dimensions == 1)
            {
                if (array.Length < 20)
                {
                    throw Problem(tripId, $"has {array.Length} bytes, too few for its dimension header");
                }

                elements = BinaryPrimitives.ReadInt32BigEndian(array[12..]);
                at = 20;
            }
            else if (dimensions != 0)
            {
                throw Problem(tripId, $"has {dimensions} dimensions; expected 1");
            }

            if (array.Length - at != (long)elements * 8)
            {
                throw Problem(tripId, $"has {array.Length - at} element bytes for {elements} values; expected 8 each (NULL elements are not allowed)");
            }

            var target = _features.AsSpan(Count * width, width);
            var copied = Math.Min(elements, width);
            for (var i = 0; i < copied; i++, at += 8)
            {
                if (BinaryPrimitives.ReadInt32BigEndian(array[at..]) != 4)
                {
                    throw Problem(tripId, $"element {i + 1} is NULL or not 4 bytes");
                }

                target[i] = BinaryPrimitives.ReadSingleBigEndian(array[(at + 4)..]);
            }

            _drivers[Count] = driverId;
            _trips[Count] = tripId;
            _started[Count] = startedAtUnixMs;
            Count++;
        }

        public TripFeatureMatrix Build() => new(Count, _drivers, _trips, _started, _features, width);

        private InvalidDataException Problem(long tripId, string problem) =>
            new(string.Create(CultureInfo.InvariantCulture, $"Trip COPY row {Count + 1} (trip {tripId}): field 'features' {problem}."));
    }
}
