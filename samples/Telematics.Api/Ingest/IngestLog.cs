namespace Telematics.Api.Ingest;

/// <summary>Log events of the ingest endpoint; counts only, never a position.</summary>
internal static partial class IngestLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
        Message = "Ingested {Received} events for driver {DriverId} ({Stored} new, {Rejected} rejected), {Trips} trips closed, in {ElapsedMs} ms.")]
    public static partial void Ingested(ILogger logger, long driverId, long received, long stored, long rejected, int trips, long elapsedMs);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information,
        Message = "Ingest for driver {DriverId} refused at record {Record}, field {Field}: {Reason}. Nothing was stored.")]
    public static partial void Refused(ILogger logger, long driverId, long record, string? field, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information,
        Message = "Published {Received} events for driver {DriverId} to the event stream as {Batches} batches; ingest workers store them.")]
    public static partial void Published(ILogger logger, long driverId, long received, int batches);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning,
        Message = "Upload for driver {DriverId} answered 503: {Reason}")]
    public static partial void StreamUnavailable(ILogger logger, long driverId, string reason);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information,
        Message = "Phone recording for driver {DriverId}: {Rows} evidence rows stored, {Trips} trips re-measured, in {ElapsedMs} ms.")]
    public static partial void PhoneRecordingStored(ILogger logger, long driverId, long rows, int trips, long elapsedMs);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information,
        Message = "Phone recording for driver {DriverId} refused at {File} record {Record}, field {Field}: {Reason}")]
    public static partial void PhoneRecordingRefused(ILogger logger, long driverId, string? file, long record, string field, string reason);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Phone recording for driver {DriverId} refused: the multipart body cannot be read ({Reason})")]
    public static partial void PhoneRecordingUnreadable(ILogger logger, long driverId, string reason);
}
