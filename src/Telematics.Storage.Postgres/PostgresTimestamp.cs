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
}
