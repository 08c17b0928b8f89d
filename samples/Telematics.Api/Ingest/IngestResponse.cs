using Telematics.Features.Ingest;
using Telematics.Service.Ingest;
using Telematics.Storage.Postgres.Ingest;

namespace Telematics.Api.Ingest;

/// <summary>The answer of <c>POST /api/v1/telematics/events</c>.</summary>
/// <param name="DriverId">The driver the events were stored for.</param>
/// <param name="Received">Valid records read from the body (<paramref name="Accepted"/> + <paramref name="Duplicates"/>).</param>
/// <param name="Accepted">Events newly stored.</param>
/// <param name="Duplicates">Events already stored before (same driver, event id and timestamp) or repeated in the body; nothing was added for them.</param>
/// <param name="Rejected">Bad records skipped (only with <c>onError=skip</c>; otherwise a bad record fails the request).</param>
/// <param name="RejectedRecords">The first rejected records with the reason, at most the configured number.</param>
/// <param name="TripsClosed">Trips the events closed (the body's last trip is closed at its end); when the body continued a stored trip, the trips re-closed from that trip's start.</param>
/// <param name="TripsStored">Closed trips newly stored with their features; the rest were stored before.</param>
/// <param name="DistanceKm">Distance of the closed trips, km.</param>
/// <param name="ContinuedTripId">The stored trip this body continued (it is replaced by the re-closed trip under a new id); null when the body started no later part of a trip.</param>
/// <param name="Warnings">Values read as missing rather than refused (a road class the mapping does not know), each once with its first record and count, the first 100 distinct ones: the records were stored; extend the mapping by them.</param>
/// <param name="WarningCount">Records read with such a value, all of them (<paramref name="Warnings"/> stops at 100 distinct values).</param>
internal sealed record IngestResponse(
    long DriverId,
    long Received,
    long Accepted,
    long Duplicates,
    long Rejected,
    IReadOnlyList<RejectedRecord> RejectedRecords,
    int TripsClosed,
    int TripsStored,
    double DistanceKm,
    long? ContinuedTripId,
    IReadOnlyList<ReadWarning> Warnings,
    long WarningCount)
{
    public static IngestResponse From(long driverId, EventStreamResult stored, IngestReport report) => new(
        driverId,
        stored.Received,
        stored.Stored,
        stored.Duplicates,
        report.RejectedCount,
        report.Errors.Select(RejectedRecord.From).ToArray(),
        stored.TripsClosed,
        stored.TripsStored,
        Math.Round(stored.DistanceKm, 3),
        stored.ContinuedTripId,
        report.Warnings.Select(ReadWarning.From).ToArray(),
        report.WarningCount);
}

/// <summary>One record the upload skipped. The raw text is not echoed: it may hold positions.</summary>
/// <param name="Record">Line number for CSV (the header is line 1) and NDJSON; element position, from 1, for a JSON array.</param>
/// <param name="Field">The offending field, or null when the record as a whole is bad.</param>
/// <param name="Reason">What is wrong.</param>
internal sealed record RejectedRecord(long Record, string? Field, string Reason)
{
    public static RejectedRecord From(IngestError error) => new(error.Record, error.Field, error.Reason);
}

/// <summary>A value an upload read as missing rather than refusing its record; the value is a mapping's word, never a position.</summary>
/// <param name="Record">The first record with it (line number for CSV, the header being line 1).</param>
/// <param name="Field">The field or column.</param>
/// <param name="Value">The text read.</param>
/// <param name="Reason">What was done with it.</param>
/// <param name="Count">How many records had it.</param>
internal sealed record ReadWarning(long Record, string Field, string Value, string Reason, long Count)
{
    public static ReadWarning From(IngestWarning warning) => new(warning.Record, warning.Field, warning.Value, warning.Reason, warning.Count);
}

/// <summary>One sample of a JSON-array or NDJSON body, for the API reference (CSV uses the same names as header columns).</summary>
/// <param name="Timestamp">Unix milliseconds, or an ISO-8601 string (UTC without an offset). Required.</param>
/// <param name="Lat">Latitude, degrees, −90…90. Required.</param>
/// <param name="Lon">Longitude, degrees, −180…180. Required.</param>
/// <param name="Speed_mps">Speed, m/s.</param>
/// <param name="Heading_deg">Heading, degrees clockwise from north.</param>
/// <param name="Accel_lon_mps2">Longitudinal acceleration, m/s² (vehicle frame, + forward).</param>
/// <param name="Accel_lat_mps2">Lateral acceleration, m/s².</param>
/// <param name="Gps_accuracy_m">GPS horizontal accuracy, m.</param>
/// <param name="Speed_limit_mps">Posted speed limit, m/s.</param>
/// <param name="Road_class">Road class name (motorway, trunk, primary, secondary, tertiary, residential, service) or number.</param>
/// <param name="Phone_handheld">Phone held in hand.</param>
/// <param name="Phone_interaction">Screen interaction.</param>
/// <param name="Event_id">Device event id; with the driver and timestamp, the idempotency key.</param>
internal sealed record IngestSample(
    object Timestamp,
    double Lat,
    double Lon,
    float? Speed_mps,
    float? Heading_deg,
    float? Accel_lon_mps2,
    float? Accel_lat_mps2,
    float? Gps_accuracy_m,
    float? Speed_limit_mps,
    string? Road_class,
    bool? Phone_handheld,
    bool? Phone_interaction,
    long? Event_id);
