using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

using Telematics.Api.Auth;
using Telematics.Api.Authorization;
using Telematics.Api.Caching;
using Telematics.Api.Ingest;
using Telematics.Api.Live;
using Telematics.Api.OpenApi;
using Telematics.Api.Problems;
using Telematics.Api.RateLimiting;
using Telematics.Api.RequestLimits;
using Telematics.Features.Imu;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Phone;

namespace Telematics.Api.Endpoints;

/// <summary>
/// <c>POST /telematics/drivers/{driverId}/phone-recordings</c>: a phone app uploads the sensor logs of a drive; the host
/// analyses them, stores the evidence for the driver and re-measures the stored trips they cover.
/// </summary>
internal static class PhoneRecordingEndpoints
{
    /// <summary>Maps the upload on the <c>/telematics</c> group.</summary>
    public static RouteGroupBuilder MapPhoneRecordingEndpoints(this RouteGroupBuilder telematics, RequestLimitOptions limits)
    {
        telematics.MapPost("/drivers/{driverId:long}/phone-recordings", UploadAsync)
            .RequirePermission(Permission.TelematicsWrite)
            .RequireDriverOwner()
            .RequireIngestLimits()
            .WithRequestBodyLimit(limits.MaxPhoneRecordingBodyBytes)
            // Declared here, not with Accepts: routing would answer a wrong content type 415 before authorization.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                var (schema, example) = ApiExamples.PhoneRecordingParts();
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { [PhoneRecordingForm.MediaType] = new() { Schema = schema, Example = example } },
                };
                return Task.CompletedTask;
            })
            .Produces<PhoneRecordingResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("UploadPhoneRecording")
            .WithSummary("Upload a phone's sensor logs of a drive (multipart per-sensor CSV files): manoeuvres and phone handling for the driver's trips.")
            .WithDescription(
                "multipart/form-data, one part per sensor file as Android and iOS sensor loggers write them, the part's file name " +
                "saying which: accelerometer.csv or linear_acceleration.csv, and gyroscope.csv (required), magnetometer.csv and gps.csv " +
                "(optional); each time,x,y,z in SI units with epoch times (ms, µs, ns or s, told from the spacing; docs/formats/phone-sensors.md). " +
                "Query: `frame` = device (default: axes of the phone) or earth (axes already rotated to east/north/up). " +
                "The recording is analysed as `telematics events detect` does (vehicle frame, harsh braking, acceleration, turns, " +
                "aggressive lane changes, phone handling) and stored for the driver; every stored trip of the driver it overlaps is " +
                "re-measured from its stored events with it (harsh-event rates from the phone where it covers the trip), stored again under " +
                "a new id (replacedTripIds names the old ones) with its manoeuvres (GET /telematics/trips/{tripId}); trips uploaded later " +
                "are measured with it too. Scores are not recalculated here (as after an event upload): POST /risk/{driverId}/recalculate. " +
                "The same recording sent again changes nothing (alreadyStored); one overlapping another recording of the driver is 409. " +
                "400 names the file, line and field of a bad record (nothing is stored); 413 over RequestLimits:MaxPhoneRecordingBodyBytes; " +
                "415 for another body type. A driver token may upload only for its own id (403).");
        return telematics;
    }

    private static async Task<Results<Ok<PhoneRecordingResponse>, ValidationProblem, ProblemHttpResult, NotFound>> UploadAsync(
        long driverId,
        HttpContext http,
        ClaimsPrincipal user,
        PhoneRecordingStore recordings,
        DriverRepository drivers,
        IOptions<IngestOptions> options,
        ApiCache cache,
        LiveUpdates live,
        ILoggerFactory loggers,
        string? frame = null)
    {
        var errors = new ValidationErrors();
        var axes = frame switch
        {
            null or "device" => SensorFrame.Device,
            "earth" => SensorFrame.Earth,
            _ => (SensorFrame)(-1),
        };
        if (axes < 0)
        {
            errors.Add("frame", "frame must be 'device' or 'earth'.");
        }

        if (!http.Request.HasFormContentType || UploadBody.MediaType(http.Request.ContentType, [PhoneRecordingForm.MediaType], out _) is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "The body's content type is not read here.",
                detail: "Send the recording as multipart/form-data, one part per sensor file (accelerometer.csv, gyroscope.csv, …).");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await drivers.GetAsync(driverId, http.RequestAborted) is not { } driver)
        {
            return TypedResults.NotFound();
        }

        var zoneId = driver.TimeZone ?? options.Value.DefaultTimeZone;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
        {
            return errors.Add("timeZone", $"The driver's time zone '{zoneId}' is not known to this host.").ToProblem();
        }

        var logger = loggers.CreateLogger(typeof(PhoneRecordingEndpoints));
        var started = Stopwatch.GetTimestamp();
        ImuTripEvidence evidence;
        try
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            if (form.Files.Count == 0)
            {
                throw new BadPhoneRecordingException(null, 0, "files", "the body holds no file part: send accelerometer.csv and gyroscope.csv at least.");
            }

            evidence = await PhoneRecordingForm.AnalyzeAsync(form.Files, axes, http.RequestAborted);
        }
        catch (InvalidDataException malformed)
        {
            // The framework's own words go to the log only (they name no position or reading).
            IngestLog.PhoneRecordingUnreadable(logger, driverId, malformed.Message);
            return errors.Add("body", "The multipart body cannot be read: send multipart/form-data with its boundary and whole parts.").ToProblem();
        }
        catch (BadPhoneRecordingException bad)
        {
            IngestLog.PhoneRecordingRefused(logger, driverId, bad.File, bad.Record, bad.Field, bad.Reason);
            return BadRecording(bad);
        }

        PhoneRecordingResult? stored;
        try
        {
            stored = await recordings.StoreAsync(driverId, evidence, zone, null, user.AuditActor(http), http.RequestAborted);
        }
        catch (PhoneEvidenceConflictException conflict)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The recording overlaps another recording of the driver.",
                detail: conflict.Message + " Nothing of this one was stored.",
                type: ProblemTypes.Conflict);
        }

        if (stored is null)
        {
            return TypedResults.NotFound();
        }

        IngestLog.PhoneRecordingStored(logger, driverId, stored.EvidenceRows, stored.TripIds.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (!stored.AlreadyStored)
        {
            await cache.InvalidateAsync([CacheTags.Driver(driverId), CacheTags.Dashboards]);
            await live.TripsRemeasuredAsync(driverId, stored);
        }

        return TypedResults.Ok(PhoneRecordingResponse.From(driverId, evidence, stored));
    }

    /// <summary>The 400 of a refused recording: names the file, line and field; the raw text is not echoed.</summary>
    private static ValidationProblem BadRecording(BadPhoneRecordingException bad)
    {
        var where = (bad.File, bad.Record) switch
        {
            (null, _) => "recording",
            (var file, > 0) => string.Create(CultureInfo.InvariantCulture, $"{file} line {bad.Record}"),
            (var file, _) => file,
        };
        var message = $"{where}, field '{bad.Field}': {bad.Reason}";
        return TypedResults.ValidationProblem(
            new Dictionary<string, string[]>(StringComparer.Ordinal) { [bad.Field] = [message] },
            detail: $"The recording was rejected at {message}; nothing of it was stored.",
            title: "The phone recording has a bad part or record.",
            type: ProblemTypes.Validation,
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["file"] = bad.File, ["record"] = bad.Record, ["field"] = bad.Field });
    }
}
