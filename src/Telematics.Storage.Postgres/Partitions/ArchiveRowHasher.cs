using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Telematics.Storage.Postgres.Partitions;

/// <summary>
/// SHA-256 of <c>telematics_events</c> rows in a canonical encoding, so the content of an archive can be compared with
/// the partition it came from whatever the file's text or compression.
/// </summary>
/// <remarks>
/// Each row is 13 fields in column order: <c>driver_id</c>, <c>event_id</c> as little-endian int64; <c>ts</c> as
/// little-endian int64 microseconds since the Unix epoch; latitude and longitude as the IEEE-754 bits of the double
/// (every NaN as the one quiet NaN); the six nullable <c>real</c> columns as a byte 0 for NULL or a byte 1 followed by
/// the IEEE-754 bits of the float; <c>road_class</c> and <c>flags</c> as little-endian int16. Rows are hashed in
/// (driver_id, ts, event_id) order, the order the archive writes them.
/// </remarks>
internal sealed class ArchiveRowHasher : IDisposable
{
    private const int MaxRowBytes = (8 * 3) + (8 * 2) + (6 * 5) + (2 * 2);

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _row = new byte[MaxRowBytes];

    /// <summary>Rows added so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Adds one row.</summary>
    public void Add(in ArchiveRow row)
    {
        var span = _row.AsSpan();
        var at = 0;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], row.DriverId);
        at += 8;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], row.EventId);
        at += 8;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], row.UnixMicroseconds);
        at += 8;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], Bits(row.LatitudeDeg));
        at += 8;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], Bits(row.LongitudeDeg));
        at += 8;
        at = WriteNullable(span, at, row.SpeedMps);
        at = WriteNullable(span, at, row.HeadingDeg);
        at = WriteNullable(span, at, row.LongAccelMps2);
        at = WriteNullable(span, at, row.LatAccelMps2);
        at = WriteNullable(span, at, row.GpsAccuracyM);
        at = WriteNullable(span, at, row.SpeedLimitMps);
        BinaryPrimitives.WriteInt16LittleEndian(span[at..], row.RoadClass);
        at += 2;
        BinaryPrimitives.WriteInt16LittleEndian(span[at..], row.Flags);
        at += 2;
        _hash.AppendData(span[..at]);
        Rows++;
    }

    /// <summary>The SHA-256 of the rows added (32 bytes); the hasher starts over afterwards.</summary>
    public byte[] Finish()
    {
        Rows = 0;
        return _hash.GetHashAndReset();
    }

    /// <inheritdoc />
    public void Dispose() => _hash.Dispose();

    private static long Bits(double value) => double.IsNaN(value) ? BitConverter.DoubleToInt64Bits(double.NaN) : BitConverter.DoubleToInt64Bits(value);

    private static int WriteNullable(Span<byte> span, int at, float? value)
    {
        if (value is not { } present)
        {
            span[at] = 0;
            return at + 1;
        }

        span[at] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(span[(at + 1)..], float.IsNaN(present) ? BitConverter.SingleToInt32Bits(float.NaN) : BitConverter.SingleToInt32Bits(present));
        return at + 5;
    }
}
