using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.Probes;

/// <summary>
/// The probes of the hardening review (issue 15), repeated against the real host: Kestrel on a loopback port, connected
/// to PostgreSQL as the least-privilege application role, signing audit anchors into a journal. Each probe is a case
/// that once got a 500, stored what it should not, leaked, or went unnoticed. The outage probe (PostgreSQL stopped and
/// restarted under load) is <c>Storage/DatabaseOutageTests</c>, which needs a cluster of its own.
/// </summary>
public sealed class HostProbeTests : IAsyncLifetime
{
    private readonly LeastPrivilegeDatabase _database = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("host-probes-").FullName;
    private ApiHost _host = null!;
    private HttpClient _admin = null!;

    private string Journal => Path.Combine(_folder, "anchors.jsonl");

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyPath = Path.Combine(_folder, "anchor.pem");
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        _host = new ApiHost()
            .With("ConnectionStrings:Telematics", _database.ConnectionStringAs(_database.App))
            .With("Audit:AnchorSigningKeyPath", keyPath)
            .With("Audit:AnchorJournalPath", Journal)
            .With("Audit:AnchorInterval", "00:00:01");
        _host.UseKestrel(0);
        _host.StartServer();
        _admin = _host.ClientAs(TestTokens.Admin());
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        await _database.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("-62135596800000")]
    [InlineData("0")]
    [InlineData("253402300799000")]
    public async Task An_implausible_event_time_is_a_400_naming_the_field_and_nothing_is_stored(string timestamp)
    {
        var driver = await DrivingBodies.CreateDriverAsync(_admin, "probe-" + Guid.NewGuid().ToString("N"));
        var lines = DrivingBodies.Csv(1, 600).Split('\n');
        lines[301] = $"{timestamp},-25.4,-49.27,15,9001";

        using var response = await _admin.PostAsync(Events(driver), DrivingBodies.Content(string.Join('\n', lines), "text/csv"));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");

        Assert.Equal("timestamp", problem.GetProperty("field").GetString());
        Assert.Equal(0L, await CountAsync("telematics_events", driver));
    }

    [Theory]
    [InlineData("trips")]
    [InlineData("trips/summary")]
    [InlineData("statistics")]
    [InlineData("alerts")]
    public async Task A_day_period_out_of_range_asked_by_a_driver_is_a_400(string read)
    {
        using var driver = _host.ClientAs(TestTokens.Driver("7"));

        using var response = await driver.GetAsync(new Uri($"/api/v1/drivers/7/{read}?from=9999-12-31&to=9999-12-31", UriKind.Relative));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
    }

    [Fact]
    public async Task Deleting_a_driver_leaves_nothing_of_it_in_any_table()
    {
        var driver = await DrivingBodies.CreateDriverAsync(_admin, "erase-" + Guid.NewGuid().ToString("N"));
        using (var upload = await _admin.PostAsync(Events(driver), DrivingBodies.Content(DrivingBodies.Csv(1, 900), "text/csv")))
        {
            Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        }

        Assert.True(await CountAsync("telematics_events", driver) > 0);
        using var deleted = await _admin.DeleteAsync(new Uri($"/api/v1/drivers/{driver}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await using var tables = _database.Superuser.CreateCommand(
            "SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE a.attname = 'driver_id' AND c.relkind = 'r' AND n.nspname = 'public' AND NOT a.attisdropped");
        var names = new List<string>();
        await using (var reader = await tables.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        Assert.Contains("telematics_events_default", names);
        foreach (var table in names)
        {
            Assert.True(await CountAsync(table, driver) == 0, $"{table} still holds rows of driver {driver}");
        }
    }

    [Fact]
    public async Task The_host_connects_as_a_role_that_cannot_rewrite_the_audit_trail()
    {
        await using var asHost = NpgsqlDataSource.Create(_database.ConnectionStringAs(_database.App));
        await using var update = asHost.CreateCommand("UPDATE audit_log SET actor = 'mallory'");

        var refused = await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task A_superusers_consistent_rewrite_with_the_anchors_deleted_is_caught_through_the_journal()
    {
        // A row to rewrite, and the host's anchor over it (it signs every second here) in the database and the journal.
        await DrivingBodies.CreateDriverAsync(_admin, "audit-" + Guid.NewGuid().ToString("N"));
        await AnchorJournalFile.WaitForFirstLineAsync(Journal);

        using (var sign = await _admin.PostAsync(new Uri("/api/v1/admin/audit/verify", UriKind.Relative), null))
        {
            Assert.True((await ProblemAssert.JsonAsync(sign)).GetProperty("intact").GetBoolean());
        }

        await using (var tamper = _database.Superuser.CreateCommand(AuditTampering.RewriteConsistently(1, "mallory", head: true) + AuditTampering.DeleteAnchors))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        using var response = await _admin.PostAsync(new Uri("/api/v1/admin/audit/verify", UriKind.Relative), null);
        var verdict = await ProblemAssert.JsonAsync(response);

        // The anchor the journal holds is gone from the database, or (had the host signed the rewritten head since) differs.
        Assert.False(verdict.GetProperty("intact").GetBoolean());
        Assert.Contains("journal", verdict.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_overlong_address_and_overlarge_headers_get_problem_json_and_the_security_headers_from_kestrel()
    {
        using var longHeaders = new HttpRequestMessage(HttpMethod.Get, new Uri("/health/live", UriKind.Relative));
        longHeaders.Headers.Add("X-Padding", new string('p', 40 * 1024));

        using var tooLong = await _admin.GetAsync(new Uri("/api/v1/drivers?q=" + new string('a', 10_000), UriKind.Relative));
        using var tooLarge = await _admin.SendAsync(longHeaders);

        await ProblemAssert.IsProblemAsync(tooLong, HttpStatusCode.RequestUriTooLong, "https://telematics.dev/problems/uri-too-long");
        await ProblemAssert.IsProblemAsync(tooLarge, HttpStatusCode.RequestHeaderFieldsTooLarge, "https://telematics.dev/problems/headers-too-large");
        Assert.Equal("DENY", tooLong.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task A_nul_in_the_target_is_refused_by_kestrel_before_the_host_and_never_reaches_a_handler()
    {
        // Kestrel answers this itself, with an empty body (documented in the host's README): no 500, no echo.
        var address = new Uri(_admin.BaseAddress!, "/");
        using var socket = new TcpClient();
        await socket.ConnectAsync(address.Host, address.Port);
        await using var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /api/v1/drivers/%00 HTTP/1.1\r\nHost: {address.Authority}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);

        var status = await reader.ReadLineAsync();

        Assert.StartsWith("HTTP/1.1 400", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_readiness_shows_statuses_only()
    {
        using var anonymous = _host.ClientAs(null);

        using var response = await anonymous.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("PostgreSQL", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Serving", text, StringComparison.Ordinal);
        Assert.Contains("\"audit-anchor\"", text, StringComparison.Ordinal);
    }

    private static Uri Events(long driverId) =>
        new(string.Create(CultureInfo.InvariantCulture, $"/api/v1/telematics/events?driverId={driverId}"), UriKind.Relative);

    private async Task<long> CountAsync(string table, long driverId)
    {
        await using var command = _database.Superuser.CreateCommand($"SELECT count(*) FROM \"{table}\" WHERE driver_id = $1");
        command.Parameters.AddWithValue(driverId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
