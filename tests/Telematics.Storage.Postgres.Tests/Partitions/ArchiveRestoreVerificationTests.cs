using System.IO.Compression;
using System.Text;

using Telematics.Storage.Postgres.Partitions;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Partitions;

/// <summary>Restore refuses every archive that is not the one recorded, naming what differs, and loads nothing then.</summary>
public sealed class ArchiveRestoreVerificationTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("telematics-archive-verify-");

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task An_untouched_archive_records_both_hashes_and_restores_exactly()
    {
        var (manager, month, archive) = await ArchiveMonthAsync(2019, 1, 301);

        Assert.Equal(32, archive.ContentSha256.Length);
        Assert.Equal(1, await ScalarAsync(database.DataSource,
            $"SELECT count(*) FROM partition_archives WHERE partition_name = 'telematics_events_2019_01' AND row_count = 2500 AND content_sha256 = '\\x{Convert.ToHexString(archive.ContentSha256.Span)}'"));
        Assert.Empty(await manager.VerifyArchiveAsync(archive.FilePath, month));

        Assert.Equal(2_500, await manager.RestoreAsync(archive.FilePath, month, Actor));
        Assert.Equal(2_500, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events WHERE driver_id = 301"));
        Assert.Equal(1, await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log WHERE action = 'partition.restore' AND resource = 'partition/telematics_events_2019_01'"));
    }

    [Fact]
    public async Task A_truncated_archive_is_refused_for_its_file_hash()
    {
        var (manager, month, archive) = await ArchiveMonthAsync(2019, 2, 302);
        var bytes = await File.ReadAllBytesAsync(archive.FilePath);
        await File.WriteAllBytesAsync(archive.FilePath, bytes[..(bytes.Length / 2)]);

        var refused = await RestoreRefusedAsync(manager, archive.FilePath, month, 302);

        Assert.Contains(refused.Differences, d => d.StartsWith("file SHA-256 differs", StringComparison.Ordinal));
        Assert.Contains("telematics_events_2019_02", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bit_flipped_archive_is_refused_for_its_file_hash()
    {
        var (manager, month, archive) = await ArchiveMonthAsync(2019, 3, 303);
        var bytes = await File.ReadAllBytesAsync(archive.FilePath);
        bytes[bytes.Length / 2] ^= 0x10;
        await File.WriteAllBytesAsync(archive.FilePath, bytes);

        var refused = await RestoreRefusedAsync(manager, archive.FilePath, month, 303);

        Assert.Contains(refused.Differences, d => d.StartsWith("file SHA-256 differs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_archive_re_gzipped_with_fewer_rows_is_refused_for_row_count_and_content()
    {
        var (manager, month, archive) = await ArchiveMonthAsync(2019, 4, 304);
        var lines = await ReadLinesAsync(archive.FilePath);
        await WriteLinesAsync(archive.FilePath, [.. lines.Take(1 + 1_500)]);

        var refused = await RestoreRefusedAsync(manager, archive.FilePath, month, 304);

        Assert.Contains(refused.Differences, d => d.StartsWith("file SHA-256 differs", StringComparison.Ordinal));
        Assert.Contains("row count differs (recorded 2500, file 1500)", refused.Differences);
        Assert.Contains(refused.Differences, d => d.StartsWith("content hash differs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_archive_with_one_value_changed_is_refused_for_its_content_even_with_the_same_row_count()
    {
        var (manager, month, archive) = await ArchiveMonthAsync(2019, 5, 305);
        var lines = await ReadLinesAsync(archive.FilePath);
        var fields = lines[10].Split(',');
        fields[3] = "12.5"; // latitude of one row
        lines[10] = string.Join(',', fields);
        await WriteLinesAsync(archive.FilePath, lines);

        var refused = await RestoreRefusedAsync(manager, archive.FilePath, month, 305);

        Assert.DoesNotContain(refused.Differences, d => d.StartsWith("row count", StringComparison.Ordinal));
        Assert.Contains(refused.Differences, d => d.StartsWith("content hash differs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_archive_of_another_month_is_refused_naming_the_rows_outside_the_month()
    {
        var (manager, june, juneArchive) = await ArchiveMonthAsync(2019, 6, 306);
        var (_, july, julyArchive) = await ArchiveMonthAsync(2019, 7, 307);
        var swapped = Path.Combine(_folder.FullName, Path.GetFileName(juneArchive.FilePath));
        File.Delete(swapped);
        File.Copy(julyArchive.FilePath, swapped);

        var refused = await RestoreRefusedAsync(manager, swapped, june, 307);

        Assert.Contains(refused.Differences, d => d.StartsWith("file SHA-256 differs", StringComparison.Ordinal));
        Assert.Contains(refused.Differences, d => d.Contains("outside the archived range", StringComparison.Ordinal));
        Assert.Equal(0, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events WHERE driver_id = 306"));
        Assert.Empty(await manager.VerifyArchiveAsync(julyArchive.FilePath, july));
    }

    [Fact]
    public async Task A_month_without_recorded_archive_is_refused()
    {
        var (manager, _, archive) = await ArchiveMonthAsync(2019, 8, 308);

        var refused = await RestoreRefusedAsync(manager, archive.FilePath, new PartitionMonth(2019, 9), 308);

        Assert.Equal(["no archive of telematics_events_2019_09 is recorded in partition_archives"], refused.Differences);
    }

    private async Task<(PartitionManager Manager, PartitionMonth Month, PartitionArchive Archive)> ArchiveMonthAsync(int year, int monthNumber, long driverId)
    {
        var manager = NewPartitionManager(database);
        var month = new PartitionMonth(year, monthNumber);
        await NewIngestor(database, manager).IngestAsync(driverId, Samples(month.Start.AddDays(3), 2_500), Actor);
        var archive = await manager.ArchiveAsync(month, _folder.FullName, Actor);
        Assert.NotNull(archive);
        Assert.Equal(2_500, archive.Rows);
        return (manager, month, archive);
    }

    private async Task<ArchiveVerificationException> RestoreRefusedAsync(PartitionManager manager, string path, PartitionMonth month, long driverId)
    {
        var audit = await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log");
        var refused = await Assert.ThrowsAsync<ArchiveVerificationException>(() => manager.RestoreAsync(path, month, Actor));
        Assert.NotEmpty(refused.Differences);
        Assert.Contains(path, refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM telematics_events WHERE driver_id = {driverId}"));
        Assert.Equal(audit, await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log"));
        return refused;
    }

    private static async Task<List<string>> ReadLinesAsync(string path)
    {
        await using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    private static async Task WriteLinesAsync(string path, IReadOnlyList<string> lines)
    {
        await using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        await using var writer = new StreamWriter(gzip, new UTF8Encoding(false));
        foreach (var line in lines)
        {
            await writer.WriteAsync(line + "\n");
        }
    }
}
