using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.Endpoints;

public sealed class DriverEndpointsTests(PostgresDatabase database, ClassHost classHost) : IClassFixture<PostgresDatabase>, IClassFixture<ClassHost>
{
    private static readonly Uri Drivers = new("/api/v1/drivers", UriKind.Relative);

    [Fact]
    public async Task A_created_driver_can_be_read_back_and_its_creation_is_audited_with_the_caller()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Create("admin", subject: "alice"));

        using var created = await admin.PostAsJsonAsync(Drivers, new { externalRef = "ext-create", displayName = "Ada Driver" });
        var body = await ProblemAssert.JsonAsync(created);
        var id = body.GetProperty("driverId").GetInt64();
        using var read = await admin.GetAsync(created.Headers.Location);
        var readBody = await ProblemAssert.JsonAsync(read);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/drivers/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("ext-create", readBody.GetProperty("externalRef").GetString());
        Assert.Equal("Ada Driver", readBody.GetProperty("displayName").GetString());
        await using var audit = database.DataSource.CreateCommand("SELECT actor FROM audit_log WHERE action = 'driver.create' AND resource = 'driver/' || $1");
        audit.Parameters.AddWithValue(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("api:alice", await audit.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_subject_too_long_for_an_audit_row_is_recorded_by_its_hash_and_its_writes_are_not_refused()
    {
        var subject = "https://idp.example/federation/" + new string('s', 300);
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Create("admin", subject: subject));

        using var created = await admin.PostAsJsonAsync(Drivers, new { externalRef = "ext-long-sub-" + Guid.NewGuid().ToString("N"), displayName = "Lee Long" });
        var id = (await ProblemAssert.JsonAsync(created)).GetProperty("driverId").GetInt64();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await using var audit = database.DataSource.CreateCommand("SELECT actor FROM audit_log WHERE action = 'driver.create' AND resource = 'driver/' || $1");
        audit.Parameters.AddWithValue(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(subject)));
        Assert.Equal("api:sha256:" + hash, await audit.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_taken_external_reference_is_a_409_conflict_problem()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var first = await admin.PostAsJsonAsync(Drivers, new { externalRef = "ext-taken", displayName = "First" });
        using var second = await admin.PostAsJsonAsync(Drivers, new { externalRef = "ext-taken", displayName = "Second" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await ProblemAssert.IsProblemAsync(second, HttpStatusCode.Conflict, "https://telematics.dev/problems/conflict");
    }

    [Theory]
    [InlineData("{\"externalRef\":\"ext-x\"}", "displayName")]
    [InlineData("{\"displayName\":\"X\"}", "externalRef")]
    [InlineData("{\"externalRef\":\"ext-y\",\"displayName\":\"tab\\there\"}", "displayName")]
    public async Task An_invalid_driver_is_a_validation_problem_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        // The refusal depends on the body alone, and what is stored is read from the database: the cases share the class's host.
        var host = classHost.Get(database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.PostAsync(Drivers, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}");
        await using var count = database.DataSource.CreateCommand("SELECT count(*) FROM drivers WHERE external_ref IN ('ext-x', 'ext-y')");
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_list_filters_by_name_in_any_case_and_pages_by_id()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        foreach (var name in new[] { "Zed Paging-One", "Zed paging-two", "Zed PAGING-three", "Other" })
        {
            using var created = await admin.PostAsJsonAsync(Drivers, new { externalRef = "ext-" + name, displayName = name });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var first = await ListAsync(admin, "?name=zed%20paging&page=1&pageSize=2");
        var second = await ListAsync(admin, "?name=zed%20paging&page=2&pageSize=2");

        Assert.Equal(["Zed Paging-One", "Zed paging-two"], first);
        Assert.Equal(["Zed PAGING-three"], second);
    }

    [Theory]
    [InlineData("?page=0", "page")]
    [InlineData("?pageSize=201", "pageSize")]
    [InlineData("?name=%00", "name")]
    public async Task A_bad_page_or_name_filter_is_a_validation_problem_naming_the_parameter(string query, string field)
    {
        // The refusal depends on the query alone: the cases share the class's host.
        var host = classHost.Get(database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.GetAsync(new Uri(Drivers.OriginalString + query, UriKind.Relative));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}");
    }

    [Fact]
    public async Task A_driver_lists_and_reads_only_itself()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var own = await CreateAsync(admin, "ext-self", "Self Driver");
        var other = await CreateAsync(admin, "ext-someone", "Someone Else");
        using var driver = host.ClientAs(TestTokens.Driver(own.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var listed = await ListAsync(driver, string.Empty);
        using var ownRead = await driver.GetAsync(new Uri($"/api/v1/drivers/{own}", UriKind.Relative));
        using var otherRead = await driver.GetAsync(new Uri($"/api/v1/drivers/{other}", UriKind.Relative));

        Assert.Equal(["Self Driver"], listed);
        Assert.Equal(HttpStatusCode.OK, ownRead.StatusCode);
        await ProblemAssert.IsProblemAsync(otherRead, HttpStatusCode.Forbidden, "https://telematics.dev/problems/forbidden");
    }

    [Fact]
    public async Task A_rename_is_visible_at_once_to_a_reader_that_had_the_driver_cached()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var id = await CreateAsync(admin, "ext-rename", "Before");
        var one = new Uri($"/api/v1/drivers/{id}", UriKind.Relative);
        using var cached = await admin.GetAsync(one);

        using var renamed = await admin.PatchAsJsonAsync(one, new { displayName = "After" });
        using var read = await admin.GetAsync(one);

        Assert.Equal("Before", (await ProblemAssert.JsonAsync(cached)).GetProperty("displayName").GetString());
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("After", (await ProblemAssert.JsonAsync(read)).GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task A_deleted_driver_is_gone_for_a_reader_that_had_it_cached_and_a_second_delete_is_404()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var id = await CreateAsync(admin, "ext-delete", "Gone Soon");
        var one = new Uri($"/api/v1/drivers/{id}", UriKind.Relative);
        using var cached = await admin.GetAsync(one);

        using var deleted = await admin.DeleteAsync(one);
        using var read = await admin.GetAsync(one);
        using var again = await admin.DeleteAsync(one);

        Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ProblemAssert.IsProblemAsync(read, HttpStatusCode.NotFound, "https://telematics.dev/problems/not-found");
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.NotFound, "https://telematics.dev/problems/not-found");
    }

    [Fact]
    public async Task A_driver_read_as_missing_before_it_was_created_is_found_after_creation()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var next = await CreateAsync(admin, "ext-probe", "Probe") + 1;
        var one = new Uri($"/api/v1/drivers/{next}", UriKind.Relative);
        using var before = await admin.GetAsync(one);

        var created = await CreateAsync(admin, "ext-next", "Next");
        using var after = await admin.GetAsync(one);

        Assert.Equal(next, created);
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Renaming_a_driver_that_does_not_exist_is_404()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.PatchAsJsonAsync(new Uri("/api/v1/drivers/987654321", UriKind.Relative), new { displayName = "Nobody" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "https://telematics.dev/problems/not-found");
    }

    private ApiHost Host() => new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);

    private static async Task<long> CreateAsync(HttpClient admin, string externalRef, string displayName)
    {
        using var created = await admin.PostAsJsonAsync(Drivers, new { externalRef, displayName });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await ProblemAssert.JsonAsync(created)).GetProperty("driverId").GetInt64();
    }

    private static async Task<string[]> ListAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync(new Uri(Drivers.OriginalString + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await ProblemAssert.JsonAsync(response)).GetProperty("items");
        return items.EnumerateArray().Select(i => i.GetProperty("displayName").GetString()!).ToArray();
    }
}
