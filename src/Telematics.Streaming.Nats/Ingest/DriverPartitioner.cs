using System.Buffers.Binary;

namespace Telematics.Streaming.Nats.Ingest;

/// <summary>
/// The partition of a driver's batches: 32-bit FNV-1a over the driver id's eight bytes in little-endian order, modulo the
/// partition count. Stable across processes, machines, versions and languages, so that a device or gateway can publish
/// to <c>{prefix}.events.&lt;partition&gt;</c> itself (docs/streaming.md has the algorithm in four lines).
/// </summary>
/// <remarks>
/// One driver always maps to one partition, and one partition is consumed one batch at a time, so a driver's batches are
/// stored in the order they were published: trip continuation depends on it. FNV-1a rather than the id modulo the count:
/// ids handed out in blocks (a fleet registered at once) would otherwise crowd some partitions.
/// </remarks>
public static class DriverPartitioner
{
    private const uint OffsetBasis = 2_166_136_261;
    private const uint Prime = 16_777_619;

    /// <summary>The partition of <paramref name="driverId"/>, 0 to <paramref name="partitions"/> − 1.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="partitions">The configured partition count (1–1024).</param>
    /// <returns>The partition.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitions"/> is not 1–1024.</exception>
    public static int Partition(long driverId, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partitions, StreamIngestOptions.MaxPartitions);
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, driverId);
        var hash = OffsetBasis;
        foreach (var b in bytes)
        {
            hash = unchecked((hash ^ b) * Prime);
        }

        return (int)(hash % (uint)partitions);
    }
}
