using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

using Telematics.Storage.Postgres.Partitions;

namespace Telematics.Storage.Postgres.Tests.Partitions;

public sealed class PartitionMonthTests
{
    [Theory]
    [InlineData("2026-01'; DROP TABLE audit_log; --")]
    [InlineData("2026-1")]
    [InlineData("2026-13")]
    [InlineData("1999-12")]
    [InlineData(" 2026-01")]
    [InlineData("2026-01\n")]
    [InlineData("２０２６-01")]
    public void Month_arguments_that_are_not_exactly_YYYY_MM_are_refused(string text) =>
        Assert.False(PartitionMonth.TryParse(text, out _));

    [Theory]
    [InlineData("telematics_events_2026_01\"; DROP TABLE drivers; --")]
    [InlineData("telematics_events_default")]
    [InlineData("TELEMATICS_EVENTS_2026_01")]
    [InlineData("telematics_events_2026_00")]
    public void Partition_names_outside_the_pattern_are_refused(string name) =>
        Assert.False(PartitionMonth.TryParseName(name, out _));

    [Fact]
    public void A_month_round_trips_through_its_text_and_its_partition_name()
    {
        var month = new PartitionMonth(2026, 2);
        Assert.Equal("telematics_events_2026_02", month.PartitionName);
        Assert.True(PartitionMonth.TryParse(month.ToString(), out var parsed));
        Assert.True(PartitionMonth.TryParseName(month.PartitionName, out var named));
        Assert.Equal(month, parsed);
        Assert.Equal(month, named);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), month.End);
    }

    [Property]
    public Property Any_text_that_parses_is_a_valid_month_whose_name_is_safe_as_an_identifier(string text) =>
        (!PartitionMonth.TryParse(text, out var month) ||
            (month.ToString() == text && month.PartitionName.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))).ToProperty();

    [Property]
    public Property Every_instant_from_2000_to_2199_falls_inside_its_month(long seed)
    {
        var ms = 946_684_800_000L + (long)((ulong)seed % (7_258_118_400_000UL - 946_684_800_000UL));
        var ok = PartitionMonth.TryFromUnixMs(ms, out var month);
        var instant = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return (ok && instant >= month.Start && instant < month.End).ToProperty();
    }
}
