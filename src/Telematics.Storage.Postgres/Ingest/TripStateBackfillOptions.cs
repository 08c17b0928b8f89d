using Telematics.Features.Pipeline;

namespace Telematics.Storage.Postgres.Ingest;

/// <summary>Settings of <see cref="TripStateBackfill"/>.</summary>
public sealed class TripStateBackfillOptions
{
    /// <summary>Trips of one driver rebuilt per transaction. Default 200: a few seconds of events per trip, so a batch holds the driver's lock for well under a second.</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>The pipeline options the trips were measured with; <see cref="DriverPipelineOptions.Default"/> when null (what the host and CLI use).</summary>
    public DriverPipelineOptions? Pipeline { get; init; }

    /// <summary>The time zone of drivers without one stored: UTC, as the CLI's ingest; the host passes its <c>DefaultTimeZone</c>.</summary>
    public TimeZoneInfo DefaultTimeZone { get; init; } = TimeZoneInfo.Utc;
}
