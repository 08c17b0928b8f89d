using System.Buffers.Binary;
using System.Globalization;

namespace Telematics.Storage.Postgres.Trips;

/// <summary>
/// Decodes the output of <c>COPY (SELECT driver_id, trip_id, started_at, features …) TO STDOUT (FORMAT BINARY)</c>
/// into a <see cref="TripFeatureMatrix"/>: the <c>real[]</c> elements are copied from the read buffer into the matrix's
/// one float array, so no per-trip array is materialised (see <see cref="TripCopyStream"/>).
/// </summary>
/// <remarks>
/// A binary array is int32 dimensions, int32 has-nulls flag, int32 element type oid, per dimension int32 size and
/// int32 lower bound, then per element an int32 length and the value.
/// </remarks>
internal static class TripFeatureCopyReader
{
    /// <summary>Default read buffer: large enough for hundreds of rows per refill.</summary>
    internal const int DefaultBufferSize = TripCopyStream.DefaultBufferSize;

    private const int Float4Oid = 700;

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
        var builder = new Builder(Math.Max(capacity, 16), width);
        await TripCopyStream.ReadAsync(stream, builder, "features", bufferSize, cancellationToken).ConfigureAwait(false);
        return builder.Build();
    }

    private sealed class Builder(int capacity, int width) : TripCopyStream.IRowSink
    {
        private long[] _drivers = new long[capacity];
        private long[] _trips = new long[capacity];
        private long[] _started = new long[capacity];
        private float[] _features = new float[capacity * width];

        public int Count { get; private set; }

        /// <summary>Appends a row, decoding the binary <c>real[]</c> <paramref name="array"/> into the matrix.</summary>
        public void Add(long driverId, long tripId, long startedAtUnixMs, ReadOnlySpan<byte> array, bool isNull)
        {
            if (isNull || array.Length < 12)
            {
                throw TripCopyStream.Bad(Count, "features", isNull ? "is NULL" : $"has {array.Length} bytes, too few for an array");
            }

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
