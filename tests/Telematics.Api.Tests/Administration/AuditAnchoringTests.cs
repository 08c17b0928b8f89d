using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Testing;

namespace Telematics.Api.Tests.Administration;

/// <summary>
/// The host signs anchors on a schedule into the database and the journal, verification checks them, and readiness
/// reports rows left unanchored too long. Each test has a database of its own (anchors of other keys would not verify).
/// </summary>
public sealed class AuditAnchoringTests : IAsyncLifetime, IDisposable
{
    private readonly PostgresDatabase _database = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("host-anchors-").FullName;

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string JournalPath => Path.Combine(_folder, "anchors.jsonl");

    [Fact]
    public async Task A_host_with_a_signing_key_anchors_at_start_into_the_journal_and_verify_checks_both()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyPath = Path.Combine(_folder, "anchor.pem");
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        var seed = new AuditLog(_database.DataSource, TimeProvider.System);
        await new Telematics.Storage.Postgres.Migrations.MigrationRunner(_database.DataSource).ApplyAsync();
        await seed.AppendAsync(new AuditActor("test:seed"), "verify.seed", "thing/1", null, null);

        await using var host = new ApiHost()
            .With("ConnectionStrings:Telematics", _database.ConnectionString)
            .With("Audit:AnchorSigningKeyPath", keyPath)
            .With("Audit:AnchorJournalPath", JournalPath)
            .With("Audit:AnchorInterval", "00:10:00");
        using var admin = host.ClientAs(TestTokens.Admin());
        await AnchorJournalFile.WaitForFirstLineAsync(JournalPath);

        using var response = await admin.PostAsync(new Uri("/api/v1/admin/audit/verify", UriKind.Relative), null);
        var verdict = await ProblemAssert.JsonAsync(response);
        using var ready = await admin.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var health = await ProblemAssert.JsonAsync(ready);

        Assert.Single(await File.ReadAllLinesAsync(JournalPath));
        Assert.True(verdict.GetProperty("intact").GetBoolean(), verdict.GetProperty("verdict").GetString());
        Assert.True(verdict.GetProperty("anchorsTrusted").GetBoolean());
        Assert.Equal(1, verdict.GetProperty("journalAnchorsChecked").GetInt32());
        Assert.True(verdict.GetProperty("anchoredThroughSeq").GetInt64() >= 1);
        Assert.Equal("Healthy", Check(health, "audit-anchor").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Rows_unanchored_longer_than_the_limit_make_readiness_degraded_and_verify_not_intact()
    {
        await using var host = new ApiHost()
            .With("ConnectionStrings:Telematics", _database.ConnectionString)
            .With("Audit:MaxUnanchoredAge", "00:00:01");
        using var admin = host.ClientAs(TestTokens.Admin());
        using var anonymous = host.ClientAs(null);
        await host.Services.GetRequiredService<AuditLog>().AppendAsync(new AuditActor("test:seed"), "verify.seed", "thing/2", null, null);
        await Task.Delay(1500);

        using var ready = await admin.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var health = await ProblemAssert.JsonAsync(ready);
        using var response = await admin.PostAsync(new Uri("/api/v1/admin/audit/verify", UriKind.Relative), null);
        var verdict = await ProblemAssert.JsonAsync(response);
        using var plain = await anonymous.GetAsync(new Uri("/health/ready", UriKind.Relative));

        // Degraded still answers 200: the host serves; an operator reads why.
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        Assert.Contains("have no anchor", Check(health, "audit-anchor").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.False(verdict.GetProperty("intact").GetBoolean());
        Assert.True(verdict.GetProperty("unanchored").GetBoolean());
        Assert.DoesNotContain("have no anchor", await plain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static JsonElement Check(JsonElement health, string name)
    {
        foreach (var check in health.GetProperty("checks").EnumerateArray())
        {
            if (check.GetProperty("name").GetString() == name)
            {
                return check;
            }
        }

        throw new Xunit.Sdk.XunitException($"no readiness check named {name}");
    }
}
