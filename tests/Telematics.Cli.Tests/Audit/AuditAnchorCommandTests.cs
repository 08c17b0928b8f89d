using System.Security.Cryptography;

using Telematics.Cli;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Audit;

public sealed class AuditAnchorCommandTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Anchor_signs_the_head_and_verify_then_checks_it_with_the_public_key()
    {
        await new MigrationRunner(database.DataSource).ApplyAsync();
        await new AuditLog(database.DataSource, TimeProvider.System).AppendAsync(new AuditActor("test"), "driver.create", "driver/7", null, "{}");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var privatePem = Path.GetTempFileName();
        var publicPem = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(privatePem, key.ExportPkcs8PrivateKeyPem());
            await File.WriteAllTextAsync(publicPem, key.ExportSubjectPublicKeyInfoPem());

            var anchored = await CliRunner.RunAsync("audit", "anchor", "--key", privatePem, "--connection", database.ConnectionString);
            var verified = await CliRunner.RunAsync("audit", "verify", "--key", publicPem, "--connection", database.ConnectionString);

            Assert.Equal(ExitCodes.Success, anchored.Exit);
            Assert.Matches(@"^anchored row \d+, head [0-9a-f]{64}, key ", anchored.Output);
            Assert.Equal(ExitCodes.Success, verified.Exit);
            Assert.Matches(@"[1-9]\d* anchors verified", verified.Output);
        }
        finally
        {
            File.Delete(privatePem);
            File.Delete(publicPem);
        }
    }

    [Fact]
    public async Task Anchor_with_a_missing_key_file_is_an_input_error_naming_the_file()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-anchor-key.pem");

        var result = await CliRunner.RunAsync("audit", "anchor", "--key", missing, "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.InputError, result.Exit);
        Assert.Contains(missing, result.Error, StringComparison.Ordinal);
    }
}
