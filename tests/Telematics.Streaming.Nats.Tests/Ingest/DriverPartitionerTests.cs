using Telematics.Streaming.Nats.Ingest;

namespace Telematics.Streaming.Nats.Tests.Ingest;

public sealed class DriverPartitionerTests
{
    // The examples of docs/streaming.md, computed there by hand-written FNV-1a in Python: a gateway's port must agree.
    [Theory]
    [InlineData(1L, 4)]
    [InlineData(2L, 7)]
    [InlineData(42L, 15)]
    [InlineData(1000L, 12)]
    [InlineData(123456789L, 9)]
    public void Partition_is_the_documented_fnv1a_of_the_driver_id_modulo_the_count(long driverId, int expected) =>
        Assert.Equal(expected, DriverPartitioner.Partition(driverId, 16));

    [Fact]
    public void A_thousand_consecutive_driver_ids_spread_over_every_partition()
    {
        var counts = new int[16];
        for (long id = 1; id <= 1000; id++)
        {
            counts[DriverPartitioner.Partition(id, 16)]++;
        }

        // 62.5 each on average; ids handed out in a block must not crowd a few partitions.
        Assert.All(counts, c => Assert.InRange(c, 40, 90));
    }
}
