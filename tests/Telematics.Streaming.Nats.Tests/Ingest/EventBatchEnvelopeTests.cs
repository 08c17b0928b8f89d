using System.Net;

using Telematics.Streaming.Nats.Ingest;

namespace Telematics.Streaming.Nats.Tests.Ingest;

public sealed class EventBatchEnvelopeTests
{
    private static readonly EventBatchHeader Header = new(
        Guid.Parse("0193a5b2-7c41-7d3e-9f00-1234567890ab"), 42, 1_765_000_000_000, "Europe/Berlin", "driver:42", IPAddress.Parse("192.0.2.7"), 0);

    [Fact]
    public void A_written_header_reads_back_field_for_field_with_the_samples_after_it()
    {
        var bytes = Envelope(Header);
        Assert.True(EventBatchEnvelope.TryReadHeader(bytes, out var read, out var error), error);
        Assert.Equal(Header with { PayloadOffset = EventBatchEnvelope.HeaderLength(Header.TimeZoneId, Header.ActorName, Header.ActorIp) }, read);
        Assert.Equal("TLMS"u8.ToArray(), bytes[read.PayloadOffset..(read.PayloadOffset + 4)]);
    }

    [Fact]
    public void The_batch_id_is_stored_in_rfc_4122_order_so_gateways_write_the_uuid_bytes_as_printed()
    {
        var bytes = Envelope(Header);
        Assert.Equal(Convert.FromHexString("0193a5b27c417d3e9f001234567890ab"), bytes[8..24]);
    }

    [Theory]
    [InlineData(0, "magic")]
    [InlineData(4, "version")]
    [InlineData(6, "reserved")]
    [InlineData(24, "driver_id")]
    [InlineData(40, "time_zone")]
    public void A_damaged_header_field_is_refused_naming_the_field(int offset, string field)
    {
        var bytes = Envelope(Header);
        if (offset == 24)
        {
            // A driver id of zero or less.
            bytes.AsSpan(24, 8).Fill(0xFF);
        }
        else
        {
            bytes[offset] ^= 0x5A;
        }

        Assert.False(EventBatchEnvelope.TryReadHeader(bytes, out _, out var error));
        Assert.Contains($"field '{field}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_of_the_header_is_refused()
    {
        var bytes = Envelope(Header);
        var headerLength = EventBatchEnvelope.HeaderLength(Header.TimeZoneId, Header.ActorName, Header.ActorIp);
        for (var length = 0; length < headerLength + 12; length++)
        {
            Assert.False(EventBatchEnvelope.TryReadHeader(bytes.AsSpan(0, length), out _, out var error));
            Assert.StartsWith("envelope", error, StringComparison.Ordinal);
        }
    }

    // A header followed by a minimal .tlms stream (12-byte header, end block).
    private static byte[] Envelope(EventBatchHeader header)
    {
        var length = EventBatchEnvelope.HeaderLength(header.TimeZoneId, header.ActorName, header.ActorIp);
        var bytes = new byte[length + 16];
        Assert.Equal(length, EventBatchEnvelope.WriteHeader(bytes, header));
        "TLMS"u8.CopyTo(bytes.AsSpan(length));
        bytes[length + 4] = 1;
        bytes[length + 6] = 0xFF;
        bytes[length + 7] = 0x0F;
        return bytes;
    }
}
