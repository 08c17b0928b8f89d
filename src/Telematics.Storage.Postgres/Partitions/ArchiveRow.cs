namespace Telematics.Storage.Postgres.Partitions;

/// <summary>One <c>telematics_events</c> row as archived, in column order; <c>ts</c> in microseconds since the Unix epoch (UTC).</summary>
internal readonly record struct ArchiveRow(
    long DriverId,
    long EventId,
    long UnixMicroseconds,
    double LatitudeDeg,
    double LongitudeDeg,
    float? SpeedMps,
    float? HeadingDeg,
    float? LongAccelMps2,
    float? LatAccelMps2,
    float? GpsAccuracyM,
    float? SpeedLimitMps,
    short RoadClass,
    short Flags);
