using System.Globalization;
using System.Net;
using System.Text.Json;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.Endpoints;

public sealed class TelematicsIngestEndpointTests(PostgresDatabase database, ClassHost classHost) : IClassFixture<PostgresDatabase>, IClassFixture<ClassHost>
{
    private const int TripSeconds = 1200;

    private ApiHost Host() => new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);

    private static Uri Events(long driverId, string query = "") =>
        new(string.Create(CultureInfo.InvariantCulture, $"/api/v1/telematics/events?driverId={driverId}{query}"), UriKind.Relative);

    private async Task<long> CountAsync(string table, long driverId)
    {
        await using var command = database.DataSource.CreateCommand($"SELECT count(*) FROM {table} WHERE driver_id = $1");
        command.Parameters.AddWithValue(driverId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static TheoryData<string, string> Bodies => new()
    {
        { "text/csv", DrivingBodies.Csv(2, TripSeconds) },
        { "text/csv", DrivingBodies.Csv(2, TripSeconds, newline: "\r\n", bom: true) },
        { "application/x-ndjson", DrivingBodies.Ndjson(2, TripSeconds) },
        { "application/json", DrivingBodies.JsonArray(2, TripSeconds) },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Each_content_type_stores_every_event_and_the_trips_it_closes(string mediaType, string body)
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "ingest-" + Guid.NewGuid().ToString("N"));

        using var response = await admin.PostAsync(Events(driver), DrivingBodies.Content(body, mediaType));
        var result = await ProblemAssert.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2 * TripSeconds, result.GetProperty("accepted").GetInt64());
        Assert.Equal(0, result.GetProperty("duplicates").GetInt64());
        Assert.Equal(2, result.GetProperty("tripsClosed").GetInt32());
        Assert.InRange(result.GetProperty("distanceKm").GetDouble(), 2 * 17.5, 2 * 18.5);
        Assert.Equal(2 * TripSeconds, await CountAsync("telematics_events", driver));
        Assert.Equal(2, await CountAsync("trips", driver));
    }

    [Fact]
    public async Task Re_posting_a_body_counts_duplicates_and_adds_nothing()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "ingest-repost");
        var body = DrivingBodies.Csv(1, TripSeconds);
        using var first = await admin.PostAsync(Events(driver), DrivingBodies.Content(body, "text/csv"));

        using var again = await admin.PostAsync(Events(driver), DrivingBodies.Content(body, "text/csv"));
        var result = await ProblemAssert.JsonAsync(again);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(0, result.GetProperty("accepted").GetInt64());
        Assert.Equal(TripSeconds, result.GetProperty("duplicates").GetInt64());
        Assert.Equal(0, result.GetProperty("tripsStored").GetInt32());
        Assert.Equal(TripSeconds, await CountAsync("telematics_events", driver));
        Assert.Equal(1, await CountAsync("trips", driver));
    }

    [Fact]
    public async Task A_bad_record_in_a_late_chunk_of_a_large_body_is_a_400_naming_line_and_field_and_nothing_is_stored()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "ingest-late-bad");
        var lines = DrivingBodies.Csv(30, TripSeconds).Split('\n');

        // 36,000 records: chunks of 8,192 samples, so the first four chunks are staged before line 35,001 fails.
        lines[35_000] = lines[35_000].Replace("-25.4", "-95.4", StringComparison.Ordinal);
        using var response = await admin.PostAsync(Events(driver), DrivingBodies.Content(string.Join('\n', lines), "text/csv"));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");

        Assert.Equal(35_001, problem.GetProperty("record").GetInt64());
        Assert.Equal("lat", problem.GetProperty("field").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("lat", out _));
        Assert.Equal(0, await CountAsync("telematics_events", driver));
        Assert.Equal(0, await CountAsync("trips", driver));
    }

    [Fact]
    public async Task Skip_mode_stores_the_good_records_and_lists_the_bad_ones_with_reasons()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "ingest-skip");
        var lines = DrivingBodies.Csv(1, TripSeconds).Split('\n');
        lines[10] = "not-a-time,-25.4,-49.27,15,9999";

        using var response = await admin.PostAsync(Events(driver, "&onError=skip"), DrivingBodies.Content(string.Join('\n', lines), "text/csv"));
        var result = await ProblemAssert.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TripSeconds - 1, result.GetProperty("accepted").GetInt64());
        Assert.Equal(1, result.GetProperty("rejected").GetInt64());
        var rejected = Assert.Single(result.GetProperty("rejectedRecords").EnumerateArray());
        Assert.Equal(11, rejected.GetProperty("record").GetInt64());
        Assert.Equal("timestamp", rejected.GetProperty("field").GetString());
        Assert.Equal(TripSeconds - 1, await CountAsync("telematics_events", driver));
    }

    [Fact]
    public async Task A_road_class_the_mapping_does_not_know_is_stored_as_unknown_road_and_told_once_as_a_warning()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "ingest-warn-" + Guid.NewGuid().ToString("N")[..8]);
        var lines = DrivingBodies.Csv(1, TripSeconds).TrimEnd('\n').Split('\n');
        lines[0] += ",road_class";
        for (var i = 1; i < lines.Length; i++)
        {
            lines[i] += i is 10 or 11 ? ",trunk_link" : ",primary";
        }

        using var response = await admin.PostAsync(Events(driver), DrivingBodies.Content(string.Join('\n', lines) + "\n", "text/csv"));
        var result = await ProblemAssert.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TripSeconds, result.GetProperty("accepted").GetInt64());
        Assert.Equal(0, result.GetProperty("rejected").GetInt64());
        var warning = Assert.Single(result.GetProperty("warnings").EnumerateArray());
        Assert.Equal(11, warning.GetProperty("record").GetInt64());
        Assert.Equal("road_class", warning.GetProperty("field").GetString());
        Assert.Equal("trunk_link", warning.GetProperty("value").GetString());
        Assert.Equal(2, warning.GetProperty("count").GetInt64());
        Assert.Equal(2, result.GetProperty("warningCount").GetInt64());
        Assert.Equal(TripSeconds, await CountAsync("telematics_events", driver));
    }

    [Fact]
    public async Task A_driver_uploads_its_own_events_without_naming_itself_and_may_not_upload_for_another_driver()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var own = await DrivingBodies.CreateDriverAsync(admin, "ingest-own");
        var other = await DrivingBodies.CreateDriverAsync(admin, "ingest-other");
        using var driver = host.ClientAs(TestTokens.Driver(own.ToString(CultureInfo.InvariantCulture)));
        var body = DrivingBodies.Csv(1, 600);

        using var mine = await driver.PostAsync(new Uri("/api/v1/telematics/events", UriKind.Relative), DrivingBodies.Content(body, "text/csv"));
        using var theirs = await driver.PostAsync(Events(other), DrivingBodies.Content(body, "text/csv"));

        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal(600, await CountAsync("telematics_events", own));
        await ProblemAssert.IsProblemAsync(theirs, HttpStatusCode.Forbidden, "https://telematics.dev/problems/forbidden");
        Assert.Equal(0, await CountAsync("telematics_events", other));
    }

    [Fact]
    public async Task A_body_of_another_content_type_is_415()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.PostAsync(Events(1), DrivingBodies.Content("timestamp,lat,lon\n", "text/plain"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "https://telematics.dev/problems/unsupported-media-type");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/csv; charset=utf-16")]
    [InlineData("application/json; charset=iso-8859-1")]
    public async Task A_body_without_content_type_or_in_another_charset_is_415_and_stores_nothing(string? contentType)
    {
        // Each case uploads for a driver of its own and what is stored is read from the database: the cases share the class's host (eleven uploads
        // between these theories are well within its ingest rate limit).
        var host = classHost.Get(database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "ingest-415-" + Guid.NewGuid().ToString("N"));
        using var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(DrivingBodies.Csv(1, 60)));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await admin.PostAsync(Events(driver), content);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "https://telematics.dev/problems/unsupported-media-type");
        Assert.Equal(0, await CountAsync("telematics_events", driver));
    }

    [Theory]
    [InlineData("text/csv")]
    [InlineData("application/x-ndjson")]
    [InlineData("application/json")]
    public async Task An_empty_body_is_a_validation_problem_on_body(string contentType)
    {
        // The refusal depends on the body alone: the cases share the class's host (eleven uploads
        // between these theories are well within its ingest rate limit).
        var host = classHost.Get(database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.PostAsync(Events(1), DrivingBodies.Content(string.Empty, contentType));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");

        Assert.Equal("The body is empty: send at least one record.", problem.GetProperty("errors").GetProperty("body")[0].GetString());
    }

    [Theory]
    [InlineData("", "driverId")]
    [InlineData("&onError=maybe", "onError")]
    [InlineData("&timeZone=Mars/Olympus", "timeZone")]
    [InlineData("&timeZone=Romance%20Standard%20Time", "timeZone")]
    [InlineData("&mapping=nope", "mapping")]
    public async Task Invalid_query_parameters_are_named_in_a_validation_problem(string query, string field)
    {
        // The refusal depends on the query alone: the cases share the class's host (eleven uploads
        // between these theories are well within its ingest rate limit).
        var host = classHost.Get(database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());
        var uri = query.Length == 0 ? new Uri("/api/v1/telematics/events", UriKind.Relative) : Events(1, query);

        using var response = await admin.PostAsync(uri, DrivingBodies.Content("timestamp,lat,lon\n", "text/csv"));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
    }

    [Fact]
    public async Task An_unknown_driver_is_404_and_nothing_is_stored()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.PostAsync(Events(987_654), DrivingBodies.Content(DrivingBodies.Csv(1, 60), "text/csv"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "https://telematics.dev/problems/not-found");
        Assert.Equal(0, await CountAsync("telematics_events", 987_654));
    }

    [Fact]
    public async Task A_body_over_the_ingest_limit_is_413_and_nothing_is_stored()
    {
        await using var host = Host().With("RequestLimits:MaxIngestBodyBytes", "4096");
        host.UseKestrel(0);
        host.StartServer();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "ingest-413");

        using var response = await admin.PostAsync(Events(driver), DrivingBodies.Content(DrivingBodies.Csv(1, 600), "text/csv"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "https://telematics.dev/problems/payload-too-large");
        Assert.Equal(0, await CountAsync("telematics_events", driver));
    }

    [Fact]
    public async Task A_configured_csv_mapping_is_chosen_by_name()
    {
        var mappingFile = Path.Combine(Path.GetTempPath(), $"ingest-mapping-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(mappingFile, JsonSerializer.Serialize(new { separator = ";", latitude = "latitude", longitude = "longitude" }));
        try
        {
            await using var host = Host().With("Ingest:CsvMappings:semicolon", mappingFile);
            using var admin = host.ClientAs(TestTokens.Admin());
            var driver = await DrivingBodies.CreateDriverAsync(admin, "ingest-mapping");
            var body = DrivingBodies.Csv(1, 300).Replace(',', ';').Replace("timestamp;lat;lon", "timestamp;latitude;longitude", StringComparison.Ordinal);

            using var response = await admin.PostAsync(Events(driver, "&mapping=semicolon"), DrivingBodies.Content(body, "text/csv"));
            var result = await ProblemAssert.JsonAsync(response);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(300, result.GetProperty("accepted").GetInt64());

            // Another name is refused naming the host's mappings, and a JSON body is refused whatever the name.
            Assert.Equal("mapping 'nope' is not one of this host's CSV mappings: semicolon.", await MappingErrorAsync(admin, driver, "nope", "text/csv"));
            Assert.Equal("mapping applies to text/csv bodies only.", await MappingErrorAsync(admin, driver, "semicolon", "application/json"));
        }
        finally
        {
            File.Delete(mappingFile);
        }
    }

    [Fact]
    public async Task A_mapping_asked_of_a_host_without_any_says_to_send_the_canonical_columns()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        // Not "must be one of: ." with nothing listed.
        Assert.Equal(
            "this host has no CSV mappings (Ingest:CsvMappings): send CSV in the canonical columns, without mapping.",
            await MappingErrorAsync(admin, 1, "ndsbr", "text/csv"));
    }

    private static async Task<string> MappingErrorAsync(HttpClient client, long driver, string mapping, string mediaType)
    {
        using var response = await client.PostAsync(Events(driver, "&mapping=" + mapping), DrivingBodies.Content("timestamp,lat,lon\n", mediaType));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
        return problem.GetProperty("errors").GetProperty("mapping")[0].GetString()!;
    }

    [Fact]
    public async Task Two_posts_each_holding_half_of_a_trip_give_one_trip_on_the_drivers_trip_list()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "ingest-halves-" + Guid.NewGuid().ToString("N"));
        var lines = DrivingBodies.Csv(1, TripSeconds).TrimEnd('\n').Split('\n');
        var half = 1 + (TripSeconds / 2);

        using var first = await admin.PostAsync(Events(driver), DrivingBodies.Content(string.Join('\n', lines[..half]) + "\n", "text/csv"));
        using var second = await admin.PostAsync(Events(driver), DrivingBodies.Content(string.Join('\n', [lines[0], .. lines[half..]]) + "\n", "text/csv"));
        using var list = await admin.GetAsync(new Uri(
            string.Create(CultureInfo.InvariantCulture, $"/api/v1/drivers/{driver}/trips?from=2026-03-01&to=2026-03-31"), UriKind.Relative));
        var trips = (await ProblemAssert.JsonAsync(list)).GetProperty("items").EnumerateArray().ToArray();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var firstTrip = (await ProblemAssert.JsonAsync(first)).GetProperty("continuedTripId");
        var continued = (await ProblemAssert.JsonAsync(second)).GetProperty("continuedTripId");
        var trip = Assert.Single(trips);
        Assert.Equal(JsonValueKind.Null, firstTrip.ValueKind);
        Assert.Equal(JsonValueKind.Number, continued.ValueKind);
        Assert.NotEqual(continued.GetInt64(), trip.GetProperty("tripId").GetInt64());
        Assert.Equal(DrivingBodies.Start, trip.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(DrivingBodies.Start.AddSeconds(TripSeconds - 1), trip.GetProperty("endedAt").GetDateTimeOffset());
        Assert.Equal(TripSeconds, trip.GetProperty("sampleCount").GetInt32());
    }
}
