using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Telematics.Api.Auth;
using Telematics.Api.Authorization;
using Telematics.Api.Caching;
using Telematics.Api.Ingest;
using Telematics.Api.Insights;
using Telematics.Api.Live;
using Telematics.Api.Problems;
using Telematics.Api.RateLimiting;
using Telematics.Api.RequestLimits;
using Telematics.Api.Storage;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Ingest.Json;
using Telematics.Features.Ingest.Ndjson;
using Telematics.Features.Ingest;
using Telematics.Service.Ingest;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Service.Trips;
using Telematics.Storage.Postgres.Trips;
using Telematics.Streaming.Nats.Ingest;

namespace Telematics.Api.Endpoints;

/// <summary>
/// The <c>/telematics</c> group: the streamed event upload and trip reads. Which driver an upload is for: the
/// <c>driverId</c> query parameter; a driver token may omit it (its own driver) and may not name another (403).
/// </summary>
internal static class TelematicsEndpoints
{
    /// <summary>The body media types the upload reads; the content type decides the reader, anything else is 415.</summary>
    public const string Json = "application/json";

    /// <summary>Newline-delimited JSON, one sample object per line.</summary>
    public const string Ndjson = "application/x-ndjson";

    /// <summary>CSV with a header line.</summary>
    public const string Csv = "text/csv";

    /// <summary>Maps the telematics endpoints under <c>/telematics</c>.</summary>
    public static RouteGroupBuilder MapTelematicsEndpoints(this RouteGroupBuilder api)
    {
        var limits = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<RequestLimitOptions>>().Value;
        var telematics = api.MapGroup("/telematics").WithTags("Telematics").RequireDatabase();

        telematics.MapPost("/events", IngestAsync)
            .RequirePermission(Permission.TelematicsWrite)
            .RequireIngestLimits()
            .WithRequestBodyLimit(limits.MaxIngestBodyBytes)
            .Accepts<IngestSample[]>(Json, Ndjson, Csv)
            .Produces<StreamIngestResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("IngestEvents")
            .WithSummary("Upload one driver's events (JSON array, NDJSON or CSV), streamed.")
            .WithDescription(
                "The Content-Type picks the reader: application/json (an array of sample objects), application/x-ndjson (one object per " +
                "line) or text/csv (header line; canonical columns timestamp,lat,lon,speed_mps,heading_deg,accel_lon_mps2,accel_lat_mps2," +
                "gps_accuracy_m,speed_limit_mps,road_class,phone_handheld,phone_interaction,event_id, or a configured mapping chosen with " +
                "`mapping`). Query: `driverId` (required for admin; a driver token may omit it and may not name another driver: 403), " +
                "`onError` = reject (default: the first bad record is a 400 naming its line/record and field, and nothing of the body is " +
                "stored) or skip (good records are stored and the bad ones listed). A record is bad when it cannot be read or lies outside " +
                "the plausible bounds (Ingest:Plausibility; default: event time from 2000-01-01 to 24 h after the server's now, speed finite " +
                "and 0–100 m/s, |acceleration| ≤ 50 m/s², GPS accuracy 0–50,000 m, heading within ±360°). `timeZone` (IANA, for the local-time features; default: the driver's own " +
                "zone, else the host's Ingest:DefaultTimeZone; only with drivers:write, so a driver token may not set it: 400). " +
                "Events already stored (driver, event_id, timestamp) count as duplicates, so a body can be re-sent safely. The body's last " +
                "trip is closed at its end; a body starting within the trip gap (300 s) of the driver's latest stored trip continues that " +
                "trip, which is stored again whole under a new id (continuedTripId names the old one). 413 over the ingest size limit; 415 " +
                "without a Content-Type, for another media type or a charset other than UTF-8 (or the `mapping`'s encoding, such as windows-1252); 400 for an empty body. 429 over the ingest " +
                "rate limit, or while the client already has RateLimits:IngestConcurrency:PerClient uploads in flight (default 2). " +
                "With Ingest:Mode=stream the body is validated the same way (same 400s), published to the NATS JetStream event stream " +
                "and answered 202 with its batch ids once the stream acknowledged every batch; ingest workers store it shortly after " +
                "(docs/streaming.md). 503 when the stream cannot take it (NATS down or no acknowledgement in time): send the body again; " +
                "batches that did get in are not stored twice.");
        telematics.MapGet("/batches/{batchId:guid}", GetBatchAsync)
            .RequirePermission(Permission.DriversRead)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetIngestBatch")
            .WithSummary("Whether a batch of a streamed upload (Ingest:Mode=stream) is stored yet.")
            .WithDescription("200 once an ingest worker stored the batch; 404 while it is still in the stream (or when no such batch " +
                "was stored, or it is another driver's: a driver token sees only its own). The 202 of a streamed upload links its last " +
                "batch here (Location): a driver's batches are stored in order, so when that one is stored the whole upload is.");
        telematics.MapGet("/trips/{tripId:long}", GetTripAsync)
            .RequirePermission(Permission.DriversRead)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetTrip")
            .WithSummary("Read one trip: its summary, its 29 named features (telematics@1) and its phone manoeuvres.")
            .WithDescription("A driver token reads only its own driver's trips: another driver's trip is 404, exactly like a trip id " +
                "that does not exist, so trip ids reveal nothing (the route carries no driver id for the 403 guard).");
        telematics.MapGet("/trips/{tripId:long}/path", GetTripPathAsync)
            .RequirePermission(Permission.LocationsRead)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetTripPath")
            .WithSummary("Draw one trip: its path (at most 600 points) and where its harsh braking, acceleration and cornering happened.")
            .WithDescription("From the trip's stored raw events, cleaned and derived as when it was measured, so the GPS-derived events " +
                "placed are the ones its counts hold (a trip stored with a phone recording lists its phone manoeuvres in GET /trips/{tripId}). Positions are personal data: the route needs locations:read (admin, and a driver for its own trips; not " +
                "an analyst), is confined like GET /trips/{tripId} (another driver's trip is 404) and never logged. Empty points when the trip's events were archived or erased.");
        telematics.MapPhoneRecordingEndpoints(limits);
        return telematics;
    }

    private static async Task<Results<Ok<IngestResponse>, Accepted<StreamIngestResponse>, ValidationProblem, ProblemHttpResult, NotFound>> IngestAsync(
        HttpContext http,
        ClaimsPrincipal user,
        EventStreamIngestor ingestor,
        DriverRepository drivers,
        CsvMappingCatalog mappings,
        IOptions<IngestOptions> options,
        StoredBatchRefresh refresh,
        ILoggerFactory loggers,
        TimeProvider time,
        long? driverId = null,
        string? onError = null,
        string? timeZone = null,
        string? mapping = null)
    {
        var errors = new ValidationErrors();
        var confined = RolePermissions.IsConfinedToOwnDriver(user.GetRole() ?? string.Empty);
        long? own = user.TryGetNumericDriverId(out long ownId) ? ownId : null;
        if (confined && (own is null || (driverId is { } asked && asked != own)))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.", detail: "A driver may upload only its own events.");
        }

        var driver = driverId ?? (confined ? own : null);
        if (driver is null or <= 0)
        {
            errors.Add("driverId", "driverId is required (a positive driver id).");
        }

        var badRecords = onError switch
        {
            null or "reject" => BadRecordHandling.Reject,
            "skip" => BadRecordHandling.SkipAndReport,
            _ => (BadRecordHandling)(-1),
        };
        if (badRecords < 0)
        {
            errors.Add("onError", "onError must be 'reject' or 'skip'.");
        }

        TimeZoneInfo? zone = null;
        if (timeZone is not null && !RolePermissions.Grants(user.GetRole() ?? string.Empty, Permission.DriversWrite))
        {
            // The night, rush-hour and weekend features (and so the premium) follow the zone: a driver may not pick its own.
            errors.Add("timeZone", "timeZone may not be set with this token: the local-time features use the time zone registered for the driver (changed with drivers:write).");
        }
        // The same test as a driver's stored zone: an id .NET would map from Windows names is refused here too.
        else if (timeZone is not null && !DriverFields.TryFindTimeZone(timeZone, out zone))
        {
            errors.Add("timeZone", "timeZone must be an IANA time zone id such as Europe/Berlin.");
        }

        // A CSV mapping may declare Windows-1252 or Latin-1: the body's charset is then checked against it.
        var encoding = mapping is not null && mappings.TryGet(mapping, out var named) ? named.Encoding : CsvEncoding.Utf8;
        if (UploadBody.MediaType(http.Request.ContentType, [Json, Ndjson, Csv], encoding, out var unsupported) is not { } mediaType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "The body's content type is not read here.", detail: unsupported);
        }

        CsvColumnMapping? csvMapping = null;
        if (mapping is not null && MappingProblem(mapping, mediaType, mappings, out csvMapping) is { } mappingProblem)
        {
            errors.Add("mapping", mappingProblem);
        }

        if (errors.IsEmpty && await UploadBody.IsEmptyAsync(http.Request, http.RequestAborted))
        {
            errors.Add("body", "The body is empty: send at least one record.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await drivers.GetAsync(driver!.Value, http.RequestAborted) is not { } registered)
        {
            return TypedResults.NotFound();
        }

        // The zone of the local-time features: the request's, else the driver's own, else the host's default.
        if (zone is null)
        {
            var zoneId = registered.TimeZone ?? options.Value.DefaultTimeZone;
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out zone))
            {
                return errors.Add("timeZone", $"The driver's time zone '{zoneId}' is not known to this host; pass timeZone.").ToProblem();
            }
        }

        var readerOptions = new SampleReaderOptions
        {
            BadRecords = badRecords,
            MaxReportedErrors = options.Value.MaxReportedErrors,
            Plausibility = options.Value.Plausibility,
            TimeProvider = time,
        };
        var body = http.Request.BodyReader;
        await using SampleReader reader = mediaType switch
        {
            Csv => CsvSampleReader.Create(body, csvMapping, readerOptions, leaveOpen: true),
            Ndjson => NdjsonSampleReader.Create(body, readerOptions, leaveOpen: true),
            _ => JsonArraySampleReader.Create(body, readerOptions, leaveOpen: true),
        };

        var logger = loggers.CreateLogger(typeof(TelematicsEndpoints));
        if (options.Value.Streams)
        {
            return await PublishAsync(http, reader, driver.Value, zone, user.AuditActor(http), logger);
        }

        var started = Stopwatch.GetTimestamp();
        EventStreamResult stored;
        try
        {
            stored = await ingestor.IngestAsync(driver.Value, reader, zone, user.AuditActor(http), cancellationToken: http.RequestAborted);
        }
        catch (TelematicsFormatException bad)
        {
            IngestLog.Refused(logger, driver.Value, bad.Record, bad.Field, bad.Reason);
            return BadRecord(bad);
        }
        catch (KeyNotFoundException)
        {
            // Erased while the body was read: nothing was stored.
            return TypedResults.NotFound();
        }

        IngestLog.Ingested(logger, driver.Value, stored.Received, stored.Stored, reader.Report.RejectedCount, stored.TripsClosed, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        await refresh.BatchStoredAsync(driver.Value, stored, http.RequestAborted);
        return TypedResults.Ok(IngestResponse.From(driver.Value, stored, reader.Report));
    }

    // The stream mode: validated whole as in the direct mode, then accepted only once JetStream acknowledged every batch.
    private static async Task<Results<Ok<IngestResponse>, Accepted<StreamIngestResponse>, ValidationProblem, ProblemHttpResult, NotFound>> PublishAsync(
        HttpContext http, SampleReader reader, long driver, TimeZoneInfo zone, Telematics.Service.Storage.AuditActor actor, ILogger logger)
    {
        var publisher = http.RequestServices.GetRequiredService<EventBatchPublisher>();
        List<Telematics.Features.Samples.SampleBuffer> batches;
        long received;
        try
        {
            (batches, received) = await StreamUpload.ReadAsync(reader, publisher.MaxBatchSamples, http.RequestAborted);
        }
        catch (TelematicsFormatException bad)
        {
            IngestLog.Refused(logger, driver, bad.Record, bad.Field, bad.Reason);
            return BadRecord(bad);
        }

        try
        {
            var ids = await StreamUpload.PublishAsync(publisher, driver, batches, zone, actor, http.RequestAborted);
            IngestLog.Published(logger, driver, received, ids.Count);
            // The last batch is stored last (one partition, in order): when it is, the whole upload is.
            var location = ids.Count > 0 ? $"{http.Request.PathBase}{ApiRoutes.Prefix}/telematics/batches/{ids[^1]:D}" : null;
            return TypedResults.Accepted(location, StreamIngestResponse.From(driver, ids, received, reader.Report));
        }
        catch (StreamUnavailableException unavailable)
        {
            IngestLog.StreamUnavailable(logger, driver, unavailable.Message);
            http.Response.Headers.RetryAfter = DatabaseOutage.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The event stream is not available.",
                detail: "The upload could not be handed to the event stream, so it was not accepted: send it again shortly. " +
                    "Any part that did reach the stream is stored once, however often the upload is sent.",
                type: ProblemTypes.Unavailable);
        }
    }

    private static async Task<Results<Ok<IngestBatchResponse>, NotFound>> GetBatchAsync(Guid batchId, StoredBatchReader batches, ClaimsPrincipal user, HttpContext http)
    {
        var batch = await batches.FindAsync(batchId, http.RequestAborted);

        // Another driver's batch does not exist for a driver token, as with trips.
        var visible = batch is { } found && (!RolePermissions.IsConfinedToOwnDriver(user.GetRole() ?? string.Empty)
            || (user.TryGetNumericDriverId(out var own) && own == found.DriverId));
        return visible ? TypedResults.Ok(IngestBatchResponse.From(batch!.Value)) : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<TripPathResponse>, NotFound>> GetTripPathAsync(long tripId, TripReader trips, ClaimsPrincipal user, HttpContext http)
    {
        var trip = await trips.GetAsync(tripId, http.RequestAborted);
        if (trip is null || !MayRead(user, trip))
        {
            return TypedResults.NotFound();
        }

        var path = TripPathBuilder.Build(await trips.ReadEventsAsync(trip, http.RequestAborted));
        return TypedResults.Ok(TripPathResponse.From(trip.TripId, path));
    }

    // A driver reads only its own trips; to anyone else they do not exist (trip ids reveal nothing). Compared as numbers,
    // as the upload checks the token's id: "07" is driver 7 there, so it is here.
    private static bool MayRead(ClaimsPrincipal user, StoredTrip trip) =>
        !RolePermissions.IsConfinedToOwnDriver(user.GetRole() ?? string.Empty)
        || (user.TryGetNumericDriverId(out var own) && own == trip.DriverId);

    private static async Task<Results<Ok<TripResponse>, NotFound>> GetTripAsync(long tripId, TripReader trips, ClaimsPrincipal user, HttpContext http)
    {
        var trip = await trips.GetAsync(tripId, http.RequestAborted);
        if (trip is null || !MayRead(user, trip))
        {
            return TypedResults.NotFound();
        }

        var manoeuvres = await trips.ReadManoeuvresAsync(tripId, http.RequestAborted);
        return TypedResults.Ok(TripResponse.From(trip) with { Manoeuvres = manoeuvres.Select(TripManoeuvreResponse.From).ToArray() });
    }

    /// <summary>The 400 of a rejected upload: names the record and field; the raw text is not echoed (it may hold positions).</summary>
    private static ValidationProblem BadRecord(TelematicsFormatException bad)
    {
        var where = bad.Record > 0 ? string.Create(CultureInfo.InvariantCulture, $"record {bad.Record}") : "body";
        var message = bad.Field is null ? $"{where}: {bad.Reason}" : $"{where}, field '{bad.Field}': {bad.Reason}";
        return TypedResults.ValidationProblem(
            new Dictionary<string, string[]>(StringComparer.Ordinal) { [bad.Field ?? "body"] = [message] },
            detail: $"The upload was rejected at {message}; nothing of it was stored.",
            title: "The upload has a bad record.",
            type: ProblemTypes.Validation,
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["record"] = bad.Record, ["field"] = bad.Field });
    }

    // Why a ?mapping= cannot be used, in words that say what to send instead; null when it can.
    private static string? MappingProblem(string name, string mediaType, CsvMappingCatalog mappings, out CsvColumnMapping? mapping)
    {
        mapping = null;
        if (!string.Equals(mediaType, Csv, StringComparison.OrdinalIgnoreCase))
        {
            return "mapping applies to text/csv bodies only.";
        }

        if (mappings.TryGet(name, out mapping))
        {
            return null;
        }

        var names = string.Join(", ", mappings.Names);
        return names.Length == 0
            ? "this host has no CSV mappings (Ingest:CsvMappings): send CSV in the canonical columns, without mapping."
            : $"mapping '{name}' is not one of this host's CSV mappings: {names}.";
    }
}
