namespace Telematics.Storage.Postgres.Tests;

public sealed class PostgresTimestampTests
{
    [Fact]
    public void An_instant_is_cut_to_whole_microseconds_in_utc()
    {
        var time = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567);

        var stored = PostgresTimestamp.StoredPrecision(time);

        Assert.Equal(TimeSpan.Zero, stored.Offset);
        Assert.Equal(time.UtcTicks - 7, stored.UtcTicks);
        Assert.Equal(stored, PostgresTimestamp.StoredPrecision(stored));
    }
}
