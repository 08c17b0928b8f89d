using System.Buffers.Binary;

namespace Telematics.Features.Ingest.Binary;

/// <summary>
/// Constants and layout of the SDK's compact binary sample format (<c>.tlms</c>), version 1. All integers and
/// floating-point values are little-endian; floating-point values are stored bit for bit, so NaN payloads survive.
/// </summary>
/// <remarks>
/// <para>
/// Header, 12 bytes: magic <c>TLMS</c> (54 4C 4D 53); format version, u16 (1); column set, u16 (bit <i>i</i> set when
/// column <i>i</i> below is stored; bits 0–2 are required, bits 12–15 must be clear); reserved, u32 (0).
/// </para>
/// <para>
/// Then blocks, each: record count <i>n</i>, u32 (1 to <see cref="MaxBlockRecords"/>); for each stored column in
/// order, its <i>n</i> values back to back (struct-of-arrays, as in <see cref="Samples.SampleBuffer"/>); CRC-32
/// (IEEE 802.3, as in zip and PNG), u32, over the count and the column bytes. Columns: 0 timestamp Unix ms (i64),
/// 1 latitude deg (f64), 2 longitude deg (f64), 3 speed m/s (f32), 4 heading deg (f32), 5 longitudinal acceleration
/// m/s² (f32), 6 lateral acceleration m/s² (f32), 7 GPS accuracy m (f32), 8 speed limit m/s (f32), 9 road class (u8),
/// 10 flags (u8), 11 event id (i64). A column not stored reads as missing.
/// </para>
/// <para>
/// The stream ends with a block whose count is 0 and which has no columns and no CRC; nothing may follow it. A stream
/// without that end block is truncated. Full description: <c>docs/formats/binary.md</c>.
/// </para>
/// </remarks>
public static class BinaryFormat
{
    /// <summary>The current (and only) format version.</summary>
    public const ushort Version = 1;

    /// <summary>Length of the header in bytes.</summary>
    public const int HeaderLength = 12;

    /// <summary>Most records one block may hold; bounds the memory a reader needs for one block (about 3.8 MB).</summary>
    public const int MaxBlockRecords = 65_536;

    /// <summary>Records per block a writer uses unless told otherwise (about 240 KB per block with every column).</summary>
    public const int DefaultBlockRecords = 4_096;

    /// <summary>Column set with every column of version 1 stored.</summary>
    public const ushort AllColumns = 0x0FFF;

    /// <summary>Number of columns version 1 defines.</summary>
    internal const int ColumnCount = 12;

    /// <summary>Columns every file must store: timestamp, latitude, longitude.</summary>
    internal const ushort RequiredColumns = 0x0007;

    /// <summary>Flag values a record may hold: phone use (bits 0–2), the trip id known and its tag (bits 3–5) and a change of id (bit 6); bit 7 is unknown.</summary>
    internal const byte FlagsBelow = 128;

    /// <summary>The magic bytes <c>TLMS</c> that open every file.</summary>
    public static ReadOnlySpan<byte> Magic => "TLMS"u8;

    /// <summary>Bytes per value of each column, in column order.</summary>
    internal static ReadOnlySpan<byte> ColumnWidths => [8, 8, 8, 4, 4, 4, 4, 4, 4, 1, 1, 8];

    /// <summary>Bytes one record takes with the given column set.</summary>
    internal static int RecordWidth(ushort columns)
    {
        var width = 0;
        for (var c = 0; c < ColumnCount; c++)
        {
            if ((columns & (1 << c)) != 0)
            {
                width += ColumnWidths[c];
            }
        }

        return width;
    }

    internal static void WriteHeader(Span<byte> destination, ushort columns)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], columns);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], 0);
    }
}
