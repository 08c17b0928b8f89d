using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Samples;

public sealed class TripTagTests
{
    [Fact]
    public void Integer_ids_give_their_value_mod_4_however_they_are_written()
    {
        Assert.True(TripTag.TryGet(TripTag.FromId(13), out var tag));
        Assert.Equal(1, tag);
        Assert.Equal(TripTag.FromId(13), TripTag.FromId("13"u8));
        Assert.Equal(TripTag.FromId(13), TripTag.FromId(" 013 "));
        Assert.Equal(TripTag.FromId(13), TripTag.FromId("+13"));
        // pandas writes a nullable integer column as 13.0: the same trip as 13, so 12.0 and 13.0 still differ.
        Assert.Equal(TripTag.FromId(13), TripTag.FromId("13.0"));
        Assert.Equal(TripTag.FromId(13), TripTag.FromId(" 13.00 "));
        Assert.NotEqual(TripTag.FromId("12.0"), TripTag.FromId("13.0"));
        Assert.Equal(TripTag.FromId("13.5"), TripTag.FromId("13.5"u8));
        Assert.True(TripTag.TryGet(TripTag.FromId(-1), out tag));
        Assert.Equal(3, tag);
    }

    [Fact]
    public void Consecutive_integer_ids_always_differ()
    {
        for (long id = -20; id < 20; id++)
        {
            Assert.NotEqual(TripTag.FromId(id), TripTag.FromId(id + 1));
        }
    }

    [Fact]
    public void Text_ids_take_the_top_bits_of_their_mixed_fnv1a_hash()
    {
        // FNV-1a 64 of "a" is 0xAF63DC4C8601EC8C, 0x82A2A958A9BECE5B after fmix64: top two bits 2. Pinned, as stored flags depend on it.
        Assert.True(TripTag.TryGet(TripTag.FromId("a"), out var tag));
        Assert.Equal(2, tag);
        Assert.Equal(TripTag.FromId("A05"), TripTag.FromId("A05"u8));
        Assert.Equal(TripTag.FromId("A05"), TripTag.FromId("\tA05 "u8));
    }

    [Fact]
    public void Blank_text_is_no_id_and_leaves_the_bits_clear()
    {
        Assert.Equal(SampleFlags.None, TripTag.FromId("  "));
        Assert.False(TripTag.TryGet(SampleFlags.PhoneUnknown, out var tag));
        Assert.Equal(0, tag);
    }

    [Fact]
    public void The_trip_bits_leave_the_phone_bits_the_change_mark_and_bit_128_alone()
    {
        for (long id = 0; id < 8; id++)
        {
            var flags = TripTag.FromId(id);
            Assert.Equal(SampleFlags.None, flags & (SampleFlags.PhoneHandheld | SampleFlags.PhoneInteraction | SampleFlags.PhoneUnknown | SampleFlags.TripIdChanged | (SampleFlags)128));
        }
    }
}
