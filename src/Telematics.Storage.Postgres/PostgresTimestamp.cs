namespace Telematics.Storage.Postgres;

/// <summary>Instants as PostgreSQL's <c>timestamptz</c> keeps them.</summary>
public static class PostgresTimestamp
{
    /// <summary>
    /// <paramref name="time"/> in UTC cut to whole microseconds, the precision of <c>timestamptz</c>: a value written with
    /// it equals the value read back, so an answer built from it matches a later read.
    /// </summary>
    /// <param name="time">Any instant.</param>
    /// <returns>The same instant, UTC offset, without its sub-microsecond ticks.</returns>
    public static DateTimeOffset StoredPrecision(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    /// <summary>A <c>timestamptz</c> read as a UTC <see cref="DateTime"/>, in whole milliseconds since the Unix epoch (the samples' unit).</summary>
    internal static long UnixMs(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    /// <summary>Milliseconds since the Unix epoch as a UTC <see cref="DateTime"/> parameter, clamped to the range <see cref="DateTime"/> holds.</summary>
    internal static DateTime Utc(long unixMs)
    {
        const long MinMs = -62_135_596_800_000; // 0001-01-01, DateTime.MinValue
        const long MaxMs = 253_402_300_799_999; // 9999-12-31 23:59:59.999
        return new DateTime(DateTime.UnixEpoch.Ticks + (Math.Clamp(unixMs, MinMs, MaxMs) * TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }
}
