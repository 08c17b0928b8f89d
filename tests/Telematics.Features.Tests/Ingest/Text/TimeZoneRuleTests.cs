using Telematics.Features.Ingest.Text;

namespace Telematics.Features.Tests.Ingest.Text;

public sealed class TimeZoneRuleTests
{
    // Berlin, 2026-10-25: at 03:00 CEST the clocks go back to 02:00 CET, so 02:00–02:59 happens twice.
    private static readonly long Day = new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Fact]
    public void The_repeated_hour_is_daylight_time_first_and_standard_time_once_local_time_goes_back()
    {
        var rule = TimeZoneRule.FromZone(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        string[] local = ["01:59", "02:00", "02:30", "02:59", "02:00", "02:30", "02:59", "03:00"];
        string[] utc = ["2026-10-24T23:59Z", "2026-10-25T00:00Z", "2026-10-25T00:30Z", "2026-10-25T00:59Z", "2026-10-25T01:00Z", "2026-10-25T01:30Z", "2026-10-25T01:59Z", "2026-10-25T02:00Z"];

        var read = local.Select(time => rule.TryToUtc(Day + (long)TimeSpan.Parse(time).TotalMilliseconds, out var ms) ? ms : -1).ToArray();

        Assert.Equal(utc.Select(t => DateTimeOffset.Parse(t).ToUnixTimeMilliseconds()).ToArray(), read);
    }

    [Fact]
    public void Each_pass_ends_when_the_readings_leave_the_repeated_hour()
    {
        var rule = TimeZoneRule.FromZone(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        Assert.True(rule.TryToUtc(Day + (long)TimeSpan.FromMinutes(160).TotalMilliseconds, out _));  // 02:40 CEST
        Assert.True(rule.TryToUtc(Day + (long)TimeSpan.FromMinutes(125).TotalMilliseconds, out var second));  // 02:05 CET: second pass
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 1, 5, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), second);
        Assert.True(rule.TryToUtc(Day + (long)TimeSpan.FromMinutes(190).TotalMilliseconds, out _));  // 03:10 CET: out of it

        // A year later, the next repeated hour is read from its first pass again.
        var nextYear = new DateTimeOffset(2027, 10, 31, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.True(rule.TryToUtc(nextYear + (long)TimeSpan.FromMinutes(150).TotalMilliseconds, out var ms));

        Assert.Equal(new DateTimeOffset(2027, 10, 31, 0, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), ms);
    }

    [Fact]
    public void A_row_a_second_late_in_the_repeated_hour_does_not_move_the_rest_to_the_second_pass()
    {
        // New York, 2024-11-03: 01:00–01:59 happens twice (EDT, UTC-4, then EST, UTC-5); one row arrives a second late.
        var rule = TimeZoneRule.FromZone(TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        var day = new DateTimeOffset(2024, 11, 3, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        string[] local = ["01:10:00", "01:10:02", "01:10:01", "01:10:03"];

        var read = local.Select(time => rule.TryToUtc(day + (long)TimeSpan.Parse(time).TotalMilliseconds, out var ms) ? ms : -1).ToArray();

        string[] utc = ["2024-11-03T05:10:00Z", "2024-11-03T05:10:02Z", "2024-11-03T05:10:01Z", "2024-11-03T05:10:03Z"];
        Assert.Equal(utc.Select(t => DateTimeOffset.Parse(t).ToUnixTimeMilliseconds()).ToArray(), read);
    }

    [Fact]
    public void Reading_the_repeated_hour_allocates_nothing()
    {
        var rule = TimeZoneRule.FromZone(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        var start = Day + (long)TimeSpan.FromHours(2).TotalMilliseconds;

        // Each attempt: before the hour, its first pass, then its second.
        var bytes = Allocations.LeastOf(3, () =>
        {
            rule.TryToUtc(start - 60_000, out _);
            for (var pass = 0; pass < 2; pass++)
            {
                for (var i = 0; i < 600; i++)
                {
                    rule.TryToUtc(start + (i * 3_000L), out _);
                }
            }
        });

        Assert.Equal(0, bytes);
    }
}
