using System.Security.Cryptography;

using Telematics.Cli;
using Telematics.Service.Storage;
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

    [Fact]
    public async Task Verify_with_the_journal_catches_deleted_anchors_and_an_old_unanchored_tail()
    {
        // A database of its own: this test deletes anchors as a superuser would.
        var own = new PostgresDatabase();
        await own.InitializeAsync();
        var folder = Directory.CreateTempSubdirectory("cli-audit-").FullName;
        try
        {
            await new MigrationRunner(own.DataSource).ApplyAsync();
            await new AuditLog(own.DataSource, TimeProvider.System).AppendAsync(new AuditActor("test"), "driver.create", "driver/7", null, "{}");
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var privatePem = Path.Combine(folder, "anchor.pem");
            var journal = Path.Combine(folder, "anchors.jsonl");
            await File.WriteAllTextAsync(privatePem, key.ExportPkcs8PrivateKeyPem());

            var anchored = await CliRunner.RunAsync("audit", "anchor", "--key", privatePem, "--journal", journal, "--connection", own.ConnectionString);
            var intact = await CliRunner.RunAsync("audit", "verify", "--key", privatePem, "--journal", journal, "--max-unanchored-age", "2h", "--connection", own.ConnectionString);
            await using (var delete = own.DataSource.CreateCommand(AuditTampering.DeleteAnchors))
            {
                await delete.ExecuteNonQueryAsync();
            }

            var deleted = await CliRunner.RunAsync("audit", "verify", "--journal", journal, "--connection", own.ConnectionString);
            var badAge = await CliRunner.RunAsync("audit", "verify", "--max-unanchored-age", "soon", "--connection", own.ConnectionString);

            Assert.Equal(ExitCodes.Success, anchored.Exit);
            Assert.Single(await File.ReadAllLinesAsync(journal));
            Assert.Equal(ExitCodes.Success, intact.Exit);
            Assert.Contains("1 anchors verified, 1 found in the journal", intact.Output, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.PartialFailure, deleted.Exit);
            Assert.Contains("is missing from audit_anchors (anchors were deleted)", deleted.Output, StringComparison.Ordinal);
            Assert.Contains("anchor signatures not checked: no --key given", deleted.Output, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Usage, badAge.Exit);
            Assert.Contains("--max-unanchored-age: 'soon'", badAge.Error, StringComparison.Ordinal);
        }
        finally
        {
            await own.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }
}
