using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Testing;
using Telematics.Training.Synthetic.Phone;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>
/// <c>POST /api/v1/telematics/drivers/{driverId}/phone-recordings</c>: a phone's per-sensor logs, uploaded after the trip's
/// events, re-measure the stored trip with the phone's manoeuvres; bad parts are named and store nothing.
/// </summary>
public sealed class PhoneRecordingEndpointTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("telematics-api-phone-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ApiHost Host() => new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);

    /// <summary>A simulated phone trip (cup holder, with GPS) written as a logger writes it, and its GPS fixes as an events CSV.</summary>
    private async Task<(SimulatedPhoneTrip Trip, string Directory, string Events)> SimulateAsync(ulong seed)
    {
        var trip = PhoneSensorSimulator.Simulate(new PhoneSimulationOptions { Mounting = PhoneMounting.CupHolder, Gps = true }, seed);
        var directory = Path.Combine(_root, seed.ToString(CultureInfo.InvariantCulture));
        await ImuLogWriter.WriteDirectoryAsync(trip.Recording, directory);
        var events = new StringBuilder("timestamp,lat,lon,speed_mps\n");
        foreach (var line in (await File.ReadAllLinesAsync(Path.Combine(directory, "gps.csv"))).Skip(1))
        {
            var f = line.Split(',');
            events.Append(CultureInfo.InvariantCulture, $"{long.Parse(f[0], CultureInfo.InvariantCulture) / 1_000_000},{f[1]},{f[2]},{f[3]}\n");
        }

        return (trip, directory, events.ToString());
    }

    private static MultipartFormDataContent Recording(string directory, Func<string, string, string>? edit = null)
    {
        var form = new MultipartFormDataContent();
        foreach (var path in Directory.GetFiles(directory, "*.csv").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var text = File.ReadAllText(path);
            var part = new ByteArrayContent(Encoding.UTF8.GetBytes(edit is null ? text : edit(name, text)));
            part.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            form.Add(part, "files", name);
        }

        return form;
    }

    private static Uri Url(FormattableString path) => new(path.ToString(CultureInfo.InvariantCulture), UriKind.Relative);

    private async Task<long> ScalarAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_recording_sent_after_the_trip_re_measures_it_with_the_phones_manoeuvres_once()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "phone-" + Guid.NewGuid().ToString("N"));
        var (trip, directory, events) = await SimulateAsync(21);
        using (var ingested = await admin.PostAsync(Url($"/api/v1/telematics/events?driverId={driver}"), DrivingBodies.Content(events, "text/csv")))
        {
            Assert.Equal(HttpStatusCode.OK, ingested.StatusCode);
        }

        var gpsTrip = await ScalarAsync($"SELECT trip_id FROM trips WHERE driver_id = {driver}");
        var day = DateTimeOffset.FromUnixTimeMilliseconds(await ScalarAsync($"SELECT (extract(epoch FROM started_at) * 1000)::bigint FROM trips WHERE trip_id = {gpsTrip}"));
        var period = string.Create(CultureInfo.InvariantCulture, $"from={day.AddDays(-1):yyyy-MM-dd}&to={day.AddDays(1):yyyy-MM-dd}");
        using (var cached = await admin.GetAsync(Url($"/api/v1/drivers/{driver}/trips?{period}")))
        {
            Assert.Contains($"\"tripId\":{gpsTrip}", await cached.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var response = await admin.PostAsync(Url($"/api/v1/telematics/drivers/{driver}/phone-recordings?frame=device"), Recording(directory));
        var body = await ProblemAssert.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(body.GetProperty("alreadyStored").GetBoolean());
        Assert.Equal(gpsTrip, Assert.Single(body.GetProperty("replacedTripIds").EnumerateArray()).GetInt64());
        var newTrip = Assert.Single(body.GetProperty("tripIds").EnumerateArray()).GetInt64();
        Assert.True(body.GetProperty("coveredMinutes").GetDouble() > 1);

        // The trip's counts come from the phone: the labelled harsh brakings, each stored with the trip.
        var braking = trip.Manoeuvres.Count(m => m.Kind == ManoeuvreKind.HarshBraking);
        Assert.Equal(braking, await ScalarAsync($"SELECT harsh_brake_count FROM trips WHERE trip_id = {newTrip}"));
        using var detail = await admin.GetAsync(Url($"/api/v1/telematics/trips/{newTrip}"));
        var manoeuvres = (await ProblemAssert.JsonAsync(detail)).GetProperty("manoeuvres").EnumerateArray().ToList();
        Assert.Equal(braking, manoeuvres.Count(m => m.GetProperty("kind").GetString() == "harsh_braking"));
        Assert.Contains(manoeuvres, m => m.GetProperty("kind").GetString() == "phone_handling");

        // The cached trip list was invalidated: it names the new trip, not the replaced one.
        using (var listed = await admin.GetAsync(Url($"/api/v1/drivers/{driver}/trips?{period}")))
        {
            var text = await listed.Content.ReadAsStringAsync();
            Assert.Contains($"\"tripId\":{newTrip}", text, StringComparison.Ordinal);
            Assert.DoesNotContain($"\"tripId\":{gpsTrip}", text, StringComparison.Ordinal);
        }

        // Audited; a TripCompleted names the replaced trip; the same recording again changes nothing.
        Assert.Equal(1, await ScalarAsync($"SELECT count(*) FROM audit_log WHERE action = 'phone.recording' AND resource = 'driver/{driver}' AND actor = 'api:tester'"));
        using var again = await admin.PostAsync(Url($"/api/v1/telematics/drivers/{driver}/phone-recordings"), Recording(directory));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True((await ProblemAssert.JsonAsync(again)).GetProperty("alreadyStored").GetBoolean());
        Assert.Equal(newTrip, await ScalarAsync($"SELECT trip_id FROM trips WHERE driver_id = {driver}"));
        Assert.Equal(1, await ScalarAsync($"SELECT count(*) FROM audit_log WHERE action = 'phone.recording' AND resource = 'driver/{driver}'"));
    }

    [Fact]
    public async Task A_bad_record_is_named_by_file_line_and_field_and_nothing_is_stored()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "phone-bad-" + Guid.NewGuid().ToString("N"));
        var (_, directory, _) = await SimulateAsync(22);

        using var response = await admin.PostAsync(
            Url($"/api/v1/telematics/drivers/{driver}/phone-recordings"),
            Recording(directory, (name, text) => name == "gyroscope.csv" ? BreakLine(text, 50) : text));
        var problem = await ProblemAssert.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("gyroscope.csv", problem.GetProperty("file").GetString());
        Assert.Equal(51, problem.GetProperty("record").GetInt64());
        Assert.Contains("gyroscope.csv line 51", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync($"SELECT count(*) FROM phone_evidence WHERE driver_id = {driver}"));
        Assert.Equal(0, await ScalarAsync($"SELECT count(*) FROM audit_log WHERE action = 'phone.recording' AND resource = 'driver/{driver}'"));
    }

    [Fact]
    public async Task Unknown_parts_a_missing_gyroscope_and_another_drivers_id_are_refused()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "phone-parts-" + Guid.NewGuid().ToString("N"));
        var (_, directory, _) = await SimulateAsync(23);

        using var unknown = new MultipartFormDataContent { { new StringContent("time,x,y,z\n"), "files", "barometer.csv" } };
        using var stranger = await admin.PostAsync(Url($"/api/v1/telematics/drivers/{driver}/phone-recordings"), unknown);
        File.Delete(Path.Combine(directory, "gyroscope.csv"));
        using var noGyroscope = await admin.PostAsync(Url($"/api/v1/telematics/drivers/{driver}/phone-recordings"), Recording(directory));
        using var asDriver = host.ClientAs(TestTokens.Driver((driver + 1).ToString(CultureInfo.InvariantCulture)));
        using var other = await asDriver.PostAsync(Url($"/api/v1/telematics/drivers/{driver}/phone-recordings"), Recording(directory));
        using var missing = await admin.PostAsync(Url($"/api/v1/telematics/drivers/{driver + 1_000_000}/phone-recordings"), Recording(directory));

        Assert.Equal(HttpStatusCode.BadRequest, stranger.StatusCode);
        Assert.Contains("barometer.csv", (await ProblemAssert.JsonAsync(stranger)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noGyroscope.StatusCode);
        Assert.Contains("gyroscope", (await ProblemAssert.JsonAsync(noGyroscope)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_recording_overlapping_another_of_the_driver_is_409_and_stores_nothing()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "phone-overlap-" + Guid.NewGuid().ToString("N"));
        var (_, directory, _) = await SimulateAsync(25);
        using (var first = await admin.PostAsync(Url($"/api/v1/telematics/drivers/{driver}/phone-recordings"), Recording(directory)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var stored = await ScalarAsync($"SELECT count(*) FROM phone_evidence WHERE driver_id = {driver}");

        // The same drive cut short: another analysis of the same time, which would count its manoeuvres twice.
        using var response = await admin.PostAsync(
            Url($"/api/v1/telematics/drivers/{driver}/phone-recordings"),
            Recording(directory, (_, text) => { var lines = text.Split('\n'); return string.Join('\n', lines.Take(lines.Length * 3 / 4)); }));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "https://telematics.dev/problems/conflict");
        Assert.Equal(stored, await ScalarAsync($"SELECT count(*) FROM phone_evidence WHERE driver_id = {driver}"));
        Assert.Equal(1, await ScalarAsync($"SELECT count(*) FROM audit_log WHERE action = 'phone.recording' AND resource = 'driver/{driver}'"));
    }

    [Fact]
    public async Task A_recording_over_the_size_limit_is_413()
    {
        await using var host = Host().With("RequestLimits:MaxPhoneRecordingBodyBytes", "4096");
        host.UseKestrel(0);
        host.StartServer();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "phone-big-" + Guid.NewGuid().ToString("N"));
        var (_, directory, _) = await SimulateAsync(24);

        // About 12 KB: over the limit, small enough that the client has sent it whole before the 413 (no reset mid-send).
        using var response = await admin.PostAsync(
            Url($"/api/v1/telematics/drivers/{driver}/phone-recordings"), Recording(directory, (_, text) => string.Join('\n', text.Split('\n').Take(60))));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "https://telematics.dev/problems/payload-too-large");
        Assert.Equal(0, await ScalarAsync($"SELECT count(*) FROM phone_evidence WHERE driver_id = {driver}"));
    }

    [Fact]
    public async Task A_multipart_body_without_its_boundary_is_a_400_in_our_words()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "phone-nobound-" + Guid.NewGuid().ToString("N"));
        using var content = new StringContent("--x\r\nContent-Disposition: form-data; name=\"a\"; filename=\"accelerometer.csv\"\r\n\r\nt,x,y,z\r\n");
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data");

        using var response = await admin.PostAsync(Url($"/api/v1/telematics/drivers/{driver}/phone-recordings"), content);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
        var error = problem.GetProperty("errors").GetProperty("body")[0].GetString()!;
        Assert.Equal("The multipart body cannot be read: send multipart/form-data with its boundary and whole parts.", error);
    }

    private static string BreakLine(string text, int index)
    {
        var lines = text.Split('\n');
        lines[index] = "yesterday,0,0,0";
        return string.Join('\n', lines);
    }
}
