using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Testing;

namespace Telematics.Api.Tests.Endpoints;

public sealed class AdminAuditVerificationTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private static readonly Uri Verify = new("/api/v1/admin/audit/verify", UriKind.Relative);
    private readonly string _publicKeyPath = Path.Combine(Path.GetTempPath(), "telematics-anchor-" + Guid.NewGuid().ToString("N") + ".pem");

    public void Dispose() => File.Delete(_publicKeyPath);

    private ApiHost Host() => new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);

    private static async Task<JsonElement> VerifyAsync(HttpClient client)
    {
        using var response = await client.PostAsync(Verify, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ProblemAssert.JsonAsync(response);
    }

    [Fact]
    public async Task An_intact_log_verifies_and_without_a_key_its_anchors_are_not_trusted()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        await host.Services.GetRequiredService<AuditLog>().AppendAsync(new AuditActor("test:seed"), "verify.seed", "thing/1", null, null);

        var verdict = await VerifyAsync(admin);

        Assert.True(verdict.GetProperty("intact").GetBoolean());
        Assert.True(verdict.GetProperty("rows").GetInt64() >= 1);
        Assert.False(verdict.GetProperty("anchorsTrusted").GetBoolean());
        Assert.Equal(64, verdict.GetProperty("headHash").GetString()!.Length);
    }

    [Fact]
    public async Task With_the_configured_public_key_the_signed_anchors_are_checked()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(_publicKeyPath, key.ExportSubjectPublicKeyInfoPem());
        await using var host = Host().With("Audit:AnchorPublicKeyPath", _publicKeyPath);
        using var admin = host.ClientAs(TestTokens.Admin());
        var log = host.Services.GetRequiredService<AuditLog>();
        await log.AppendAsync(new AuditActor("test:seed"), "verify.seed", "thing/2", null, null);
        await log.AnchorAsync(new PemAuditSigningKeyProvider(key.ExportPkcs8PrivateKeyPem()));

        var verdict = await VerifyAsync(admin);

        Assert.True(verdict.GetProperty("intact").GetBoolean());
        Assert.True(verdict.GetProperty("anchorsTrusted").GetBoolean());
        Assert.True(verdict.GetProperty("anchorsChecked").GetInt32() >= 1);
    }

    [Fact]
    public async Task An_unreadable_configured_key_is_a_503_problem_not_a_silent_chain_only_check()
    {
        await using var host = Host().With("Audit:AnchorPublicKeyPath", _publicKeyPath + ".missing");
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.PostAsync(Verify, null);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "https://telematics.dev/problems/unavailable");
        Assert.DoesNotContain(".missing", problem.ToString(), StringComparison.Ordinal); // the server's path stays in the log
    }
}
