using System.CommandLine;

using Telematics.Cli;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Partitions;

public sealed class PartitionsAndAuditCommandTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApp.InvokeAsync([.. args, "--connection", database.ConnectionString], new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Create_then_list_shows_the_partition_with_its_range_rows_and_size()
    {
        var created = await RunAsync("partitions", "create", "2026-07");
        Assert.Equal(ExitCodes.Success, created.Exit);
        Assert.Contains("created telematics_events_2026_07 [2026-07-01, 2026-08-01)", created.Output, StringComparison.Ordinal);

        var listed = await RunAsync("partitions", "list");
        Assert.Equal(ExitCodes.Success, listed.Exit);
        Assert.Matches(@"telematics_events_2026_07\s+\[2026-07-01, 2026-08-01\)\s+0\s+\d+ kB", listed.Output);
        Assert.Contains("telematics_events_default", listed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_run_drop_changes_nothing()
    {
        await RunAsync("partitions", "create", "2026-08");
        var dry = await RunAsync("partitions", "drop", "2026-08", "--dry-run");

        Assert.Equal(ExitCodes.Success, dry.Exit);
        Assert.Contains("would drop telematics_events_2026_08", dry.Output, StringComparison.Ordinal);
        Assert.Contains("telematics_events_2026_08", (await RunAsync("partitions", "list")).Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-08'; DROP TABLE audit_log; --")]
    [InlineData("telematics_events_2026_08")]
    [InlineData("2026/08")]
    public async Task A_month_that_is_not_YYYY_MM_is_a_usage_error_naming_it(string month)
    {
        var result = await RunAsync("partitions", "drop", month);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains($"month '{month}'", result.Error, StringComparison.Ordinal);
        await using var check = database.DataSource.CreateCommand("SELECT count(*) FROM pg_class WHERE relname = 'audit_log'");
        Assert.Equal(1L, await check.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Audit_verify_reports_an_intact_log_with_its_length_and_checks_anchors_with_a_key()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var provider = new PemAuditSigningKeyProvider(key.ExportPkcs8PrivateKeyPem());
        var log = new AuditLog(database.DataSource, TimeProvider.System);
        await log.AppendAsync(new AuditActor("t"), "driver.create", "driver/1", null, "{}");
        await log.AnchorAsync(provider);
        var pem = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(pem, key.ExportSubjectPublicKeyInfoPem());
            var result = await RunAsync("audit", "verify", "--key", pem);

            Assert.Equal(ExitCodes.Success, result.Exit);
            Assert.Matches(@"audit log intact: \d+ rows, head [0-9a-f]{64}, 1 anchors verified", result.Output);
        }
        finally
        {
            File.Delete(pem);
        }
    }
}
