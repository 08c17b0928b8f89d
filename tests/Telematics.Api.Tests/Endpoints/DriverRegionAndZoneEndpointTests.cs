using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

using static Telematics.Api.Tests.Infrastructure.DriverCalls;

namespace Telematics.Api.Tests.Endpoints;

public sealed class DriverRegionAndZoneEndpointTests(PostgresDatabase database, ClassHost classHost) : IClassFixture<PostgresDatabase>, IClassFixture<ClassHost>
{

    [Fact]
    public async Task Region_and_time_zone_given_at_creation_are_returned_by_create_read_and_list()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var created = await admin.PostAsJsonAsync(Drivers, new { externalRef = "zone-create", displayName = "Zoe Zone", region = "FR-75", timeZone = "Europe/Berlin" });
        var body = await ProblemAssert.JsonAsync(created);
        using var read = await admin.GetAsync(created.Headers.Location);
        var readBody = await ProblemAssert.JsonAsync(read);
        var listed = await ListAsync(admin, "?name=zoe%20zone");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(("FR-75", "Europe/Berlin"), Fields(body));
        Assert.Equal(("FR-75", "Europe/Berlin"), Fields(readBody));
        Assert.Equal(("FR-75", "Europe/Berlin"), Fields(Assert.Single(listed)));
    }

    [Fact]
    public async Task A_driver_created_without_them_reads_both_as_null()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        var id = await CreateAsync(admin, new { externalRef = "zone-plain", displayName = "Plain" });
        using var read = await admin.GetAsync(One(id));

        Assert.Equal((null, null), Fields(await ProblemAssert.JsonAsync(read)));
    }

    [Theory]
    [InlineData("{\"externalRef\":\"zone-bad-1\",\"displayName\":\"X\",\"timeZone\":\"Mars/Olympus_Mons\"}", "timeZone")]
    [InlineData("{\"externalRef\":\"zone-bad-2\",\"displayName\":\"X\",\"timeZone\":\"W. Europe Standard Time\"}", "timeZone")]
    [InlineData("{\"externalRef\":\"zone-bad-3\",\"displayName\":\"X\",\"region\":\"fr-75\"}", "region")]
    [InlineData("{\"externalRef\":\"zone-bad-4\",\"displayName\":\"X\",\"region\":\"DE-BE\"}", "region")]
    public async Task A_bad_zone_or_region_at_creation_is_a_validation_problem_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        // The refusal depends on the body alone, and what is stored is read from the database: the cases share the class's host.
        var host = classHost.Get(database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.PostAsync(Drivers, new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
        await using var count = database.DataSource.CreateCommand("SELECT count(*) FROM drivers WHERE external_ref LIKE 'zone-bad-%'");
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_region_outside_the_plan_is_refused_with_the_plan_regions_named()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var id = await CreateAsync(admin, new { externalRef = "zone-plan", displayName = "Plan" });

        using var response = await admin.PatchAsync(One(id), Json("{\"region\":\"FR-69\"}"));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");

        var message = problem.GetProperty("errors").GetProperty("region")[0].GetString()!;
        Assert.Contains("FR-69", message, StringComparison.Ordinal);
        Assert.Contains("FR-13, FR-35, FR-75", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_patch_keeps_the_fields_it_leaves_out_and_clears_the_ones_sent_as_null()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var id = await CreateAsync(admin, new { externalRef = "zone-patch", displayName = "Pat", region = "FR-13", timeZone = "America/Chicago" });

        var zoneOnly = await PatchAsync(admin, id, "{\"timeZone\":\"Asia/Tokyo\"}");
        var regionCleared = await PatchAsync(admin, id, "{\"region\":null}");
        var renamed = await PatchAsync(admin, id, "{\"displayName\":\"Patricia\"}");
        var both = await PatchAsync(admin, id, "{\"region\":\"FR-35\",\"timeZone\":null}");

        Assert.Equal(("FR-13", "Asia/Tokyo"), Fields(zoneOnly));
        Assert.Equal((null, "Asia/Tokyo"), Fields(regionCleared));
        Assert.Equal((null, "Asia/Tokyo"), Fields(renamed));
        Assert.Equal("Patricia", renamed.GetProperty("displayName").GetString());
        Assert.Equal(("FR-35", null), Fields(both));
        Assert.Equal("Patricia", both.GetProperty("displayName").GetString());
    }

    [Theory]
    [InlineData("{}", "body")]
    [InlineData("{\"displayName\":null}", "displayName")]
    [InlineData("{\"timeZone\":\"Europe/Nowhere\"}", "timeZone")]
    [InlineData("{\"region\":\"FRANCE\"}", "region")]
    public async Task A_bad_patch_is_a_validation_problem_naming_the_field_and_changes_nothing(string json, string field)
    {
        // Each case patches a driver of its own that no read has cached before: the cases share the class's host.
        var host = classHost.Get(database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());
        var id = await CreateAsync(admin, new { externalRef = "zone-badpatch-" + Guid.NewGuid().ToString("N"), displayName = "Kept", region = "FR-75", timeZone = "Europe/Paris" });

        using var response = await admin.PatchAsync(One(id), Json(json));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
        using var read = await admin.GetAsync(One(id));
        var stored = await ProblemAssert.JsonAsync(read);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
        Assert.Equal(("FR-75", "Europe/Paris"), Fields(stored));
        Assert.Equal("Kept", stored.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task A_zone_change_is_visible_at_once_to_a_reader_that_had_the_driver_cached_and_is_audited()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Create("admin", subject: "zoe"));
        var id = await CreateAsync(admin, new { externalRef = "zone-cache", displayName = "Cached", region = "FR-75" });
        using var cached = await admin.GetAsync(One(id));

        await PatchAsync(admin, id, "{\"timeZone\":\"Europe/Berlin\",\"region\":null}");
        using var read = await admin.GetAsync(One(id));

        Assert.Equal(("FR-75", null), Fields(await ProblemAssert.JsonAsync(cached)));
        Assert.Equal((null, "Europe/Berlin"), Fields(await ProblemAssert.JsonAsync(read)));
        await using var audit = database.DataSource.CreateCommand(
            "SELECT actor, before->>'region', after->>'time_zone' FROM audit_log WHERE action = 'driver.update' AND resource = 'driver/' || $1");
        audit.Parameters.AddWithValue(id.ToString(CultureInfo.InvariantCulture));
        await using var row = await audit.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal(("api:zoe", "FR-75", "Europe/Berlin"), (row.GetString(0), row.GetString(1), row.GetString(2)));
    }

    [Fact]
    public async Task A_driver_may_not_change_its_own_zone()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var id = await CreateAsync(admin, new { externalRef = "zone-self", displayName = "Self" });
        using var driver = host.ClientAs(TestTokens.Driver(id.ToString(CultureInfo.InvariantCulture)));

        using var response = await driver.PatchAsync(One(id), Json("{\"timeZone\":\"Europe/Berlin\"}"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "https://telematics.dev/problems/forbidden");
    }

    [Fact]
    public async Task The_OpenAPI_examples_of_the_driver_operations_show_region_and_time_zone()
    {
        await using var host = new ApiHost();
        using var client = host.ClientAs(null);

        using var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var paths = (await ProblemAssert.JsonAsync(response)).GetProperty("paths");

        var create = paths.GetProperty("/api/v1/drivers").GetProperty("post");
        var patch = paths.GetProperty("/api/v1/drivers/{driverId}").GetProperty("patch");
        var get = paths.GetProperty("/api/v1/drivers/{driverId}").GetProperty("get");
        Assert.Equal(("FR-75", "Europe/Paris"), Fields(RequestExample(create)));
        Assert.Equal(("FR-75", "Europe/Paris"), Fields(ResponseExample(create, "201")));
        Assert.Equal(("FR-13", "Europe/Paris"), Fields(RequestExample(patch)));
        Assert.Equal(("FR-75", "Europe/Paris"), Fields(ResponseExample(get, "200")));
    }

    private ApiHost Host() => new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);

    private static (string? Region, string? TimeZone) Fields(JsonElement driver) =>
        (driver.GetProperty("region").GetString(), driver.GetProperty("timeZone").GetString());

    private static async Task<JsonElement[]> ListAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync(new Uri(Drivers.OriginalString + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ProblemAssert.JsonAsync(response)).GetProperty("items").EnumerateArray().ToArray();
    }
}
