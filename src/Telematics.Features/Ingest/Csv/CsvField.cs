namespace Telematics.Features.Ingest.Csv;

/// <summary>The sample field a CSV column feeds; index into per-record field slots.</summary>
internal enum CsvField : byte
{
    None = 0,
    Timestamp,
    Date,
    Time,
    Latitude,
    Longitude,
    Speed,
    Heading,
    LongitudinalAcceleration,
    LateralAcceleration,
    GpsAccuracy,
    SpeedLimit,
    RoadClass,
    PhoneHandheld,
    PhoneInteraction,
    EventId,
    TripId,
    DriverId,
}
