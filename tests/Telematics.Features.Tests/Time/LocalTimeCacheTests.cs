using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Time;

namespace Telematics.Features.Tests.Time;

public sealed class LocalTimeCacheTests
{
    private static long Utc(int y, int mo, int d, int h, int mi, int s = 0) =>
        new DateTimeOffset(y, mo, d, h, mi, s, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Fact]
    public void Berlin_springs_forward_at_one_utc_on_29_march_2026()
    {
        var cache = new LocalTimeCache(TestTracks.Berlin);

        Assert.Equal(3_600_000, cache.GetUtcOffsetMs(Utc(2026, 3, 29, 0, 59, 59)));
        Assert.Equal(7_200_000, cache.GetUtcOffsetMs(Utc(2026, 3, 29, 1, 0, 0)));
        Assert.Equal(3_600_000, cache.GetUtcOffsetMs(Utc(2026, 3, 29, 0, 30, 0)));
    }

    [Fact]
    public void Sao_paulo_had_daylight_saving_in_2018_and_none_in_2026()
    {
        var cache = new LocalTimeCache(TestTracks.SaoPaulo);

        Assert.Equal(-3 * 3_600_000, cache.GetUtcOffsetMs(Utc(2018, 11, 4, 2, 59, 59)));
        Assert.Equal(-2 * 3_600_000, cache.GetUtcOffsetMs(Utc(2018, 11, 4, 3, 0, 0)));
        Assert.Equal(-3 * 3_600_000, cache.GetUtcOffsetMs(Utc(2026, 1, 15, 12, 0, 0)));
    }

    [Theory]
    [InlineData(2026, 3, 30, 6, 30, TimeOfDayFlags.RushHour)] // Monday 08:30 CEST
    [InlineData(2026, 3, 30, 5, 30, TimeOfDayFlags.RushHour)] // Monday 07:30 CEST
    [InlineData(2026, 3, 30, 4, 30, TimeOfDayFlags.None)] // Monday 06:30 CEST
    [InlineData(2026, 3, 29, 1, 30, TimeOfDayFlags.Night | TimeOfDayFlags.LateNight | TimeOfDayFlags.Weekend)] // Sunday 03:30 CEST
    [InlineData(2026, 3, 29, 2, 30, TimeOfDayFlags.Night | TimeOfDayFlags.Weekend)] // Sunday 04:30 CEST
    [InlineData(2026, 3, 27, 21, 0, TimeOfDayFlags.Night)] // Friday 22:00 CET
    [InlineData(2026, 3, 28, 7, 30, TimeOfDayFlags.Weekend)] // Saturday 08:30 CET: no rush hour at weekends
    public void Windows_follow_berlin_wall_clock(int y, int mo, int d, int h, int mi, TimeOfDayFlags expected)
    {
        var cache = new LocalTimeCache(TestTracks.Berlin);

        Assert.Equal(expected, cache.Classify(Utc(y, mo, d, h, mi)));
    }

    [Property(MaxTest = 200)]
    public Property Cached_offsets_equal_TimeZoneInfo_for_walks_through_time()
    {
        var zones = new[] { "Europe/Berlin", "America/Sao_Paulo", "America/St_Johns", "Asia/Kathmandu", "Australia/Lord_Howe", "UTC" };
        var gen = from zone in Gen.Elements(zones)
                  from start in Gen.Choose(0, 400_000)
                  from steps in Gen.ArrayOf(Gen.Choose(1, 3_600), 50)
                  select (zone, start, steps);
        return Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var tz = TimeZoneInfo.FindSystemTimeZoneById(input.zone);
            var cache = new LocalTimeCache(tz);
            // Start somewhere in 2000–2045 (hours since 2000), then walk forward in steps of up to an hour.
            var t = 946_684_800_000L + (input.start * 3_600_000L);
            foreach (var step in input.steps)
            {
                t += step * 1000L;
                var utc = DateTimeOffset.FromUnixTimeMilliseconds(t);
                var expectedOffset = (long)tz.GetUtcOffset(utc).TotalMilliseconds;
                var local = TimeZoneInfo.ConvertTime(utc, tz);
                var expectedFlags = LocalTimeCache.ClassifyLocal(local.DateTime.Ticks / TimeSpan.TicksPerMillisecond - (DateTime.UnixEpoch.Ticks / TimeSpan.TicksPerMillisecond));
                if (cache.GetUtcOffsetMs(t) != expectedOffset || cache.Classify(t) != expectedFlags)
                {
                    return false;
                }
            }

            return true;
        });
    }

    [Fact]
    public void Classifying_cached_instants_allocates_nothing()
    {
        var cache = new LocalTimeCache(TestTracks.Berlin);
        var t0 = Utc(2026, 3, 29, 0, 0);
        var sink = cache.Classify(t0);

        var allocated = Allocations.LeastOf(5, () =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                sink |= cache.Classify(t0 + (i * 1000L));
            }
        });

        Assert.Equal(0, allocated);
        Assert.NotEqual(TimeOfDayFlags.None, sink);
    }
}
