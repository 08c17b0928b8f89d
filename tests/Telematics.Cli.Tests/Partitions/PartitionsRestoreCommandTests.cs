using System.CommandLine;
using System.IO.Compression;
using System.Text;

using Telematics.Cli;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Partitions;

public sealed class PartitionsRestoreCommandTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("telematics-cli-restore-");

    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Archive_then_restore_brings_the_rows_back_and_a_cut_archive_is_refused_with_the_reason()
    {
        await RunAsync("partitions", "create", "2018-03");
        await ExecuteAsync(
            "INSERT INTO telematics_events (driver_id, event_id, ts, latitude_deg, longitude_deg, road_class, flags) " +
            "SELECT 900, g, '2018-03-05 00:00:00+00'::timestamptz + g * interval '1 second', 1.25, 2.5, 0, 0 FROM generate_series(1, 300) g");

        var archived = await RunAsync("partitions", "archive", "2018-03", "--to", _folder.FullName);
        Assert.Equal(ExitCodes.Success, archived.Exit);
        Assert.Matches(@"archived telematics_events_2018_03: 300 rows to .+ sha256 [0-9a-f]{64} content [0-9a-f]{64}; partition dropped", archived.Output);
        var file = Assert.Single(Directory.GetFiles(_folder.FullName, "*.csv.gz"));

        var cut = Path.Combine(_folder.FullName, "cut.csv.gz");
        await CutAsync(file, cut, keepRows: 200);
        var refused = await RunAsync("partitions", "restore", "2018-03", "--file", cut);
        Assert.Equal(ExitCodes.InputError, refused.Exit);
        Assert.Contains("row count differs (recorded 300, file 200)", refused.Error, StringComparison.Ordinal);
        Assert.Contains("content hash differs", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM telematics_events WHERE driver_id = 900"));

        var dry = await RunAsync("partitions", "restore", "2018-03", "--file", file, "--dry-run");
        Assert.Equal(ExitCodes.Success, dry.Exit);
        Assert.Contains("matches its record", dry.Output, StringComparison.Ordinal);

        var restored = await RunAsync("partitions", "restore", "2018-03", "--file", file);
        Assert.Equal(ExitCodes.Success, restored.Exit);
        Assert.Contains("restored 300 rows into telematics_events_2018_03", restored.Output, StringComparison.Ordinal);
        Assert.Equal(300L, await ScalarAsync("SELECT count(*) FROM telematics_events_2018_03 WHERE driver_id = 900"));
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApp.Build().Parse([.. args, "--connection", database.ConnectionString]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task CutAsync(string source, string destination, int keepRows)
    {
        await using var input = new GZipStream(File.OpenRead(source), CompressionMode.Decompress);
        using var reader = new StreamReader(input, Encoding.UTF8);
        await using var output = new GZipStream(File.Create(destination), CompressionLevel.Optimal);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false));
        for (var i = 0; i <= keepRows && await reader.ReadLineAsync() is { } line; i++)
        {
            await writer.WriteAsync(line + "\n");
        }
    }
}
