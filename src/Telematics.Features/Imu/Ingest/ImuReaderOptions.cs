using Telematics.Features.Ingest;

namespace Telematics.Features.Imu.Ingest;

/// <summary>What an <see cref="ImuLogReader"/> does with bad records, and how long a line may be.</summary>
public sealed class ImuReaderOptions
{
    /// <summary>Reject the input at the first bad record, or skip bad records and list them in the report.</summary>
    /// <value>Default <see cref="BadRecordHandling.Reject"/>.</value>
    public BadRecordHandling BadRecords { get; init; } = BadRecordHandling.Reject;

    /// <summary>Bad records kept in <see cref="IngestReport.Errors"/>; the rest are counted only.</summary>
    /// <value>Default 100.</value>
    public int MaxReportedErrors { get; init; } = 100;

    /// <summary>
    /// Whether a header with both a sensor-event clock column (<c>uptimeNanos</c>, <c>elapsedRealtimeNanos</c>) and a
    /// wall-clock one (<c>timestamp</c>, <c>time</c>) is read by the wall clock, when the mapping keeps the default time
    /// column. Set it where the readings must line up with other data on UTC (GPS events, trips): the sensor clock
    /// counts from boot and cannot, and a file of the recording with only a wall clock would otherwise disagree with it.
    /// </summary>
    /// <value>
    /// Default <see langword="false"/>: the sensor clock, which stamps each reading as the sensor took it, where a wall
    /// clock stamps it when it was written, and may hold whole seconds only (readings sharing one are spread evenly).
    /// </value>
    public bool PreferWallClock { get; init; }

    /// <summary>Longest line accepted, in bytes; a sensor row is far shorter. A longer line stops the read (in any <see cref="BadRecords"/> mode), named by its number, however the input arrived.</summary>
    /// <value>Default 4096.</value>
    public int MaxLineBytes { get; init; } = 4096;
}
