using Npgsql;

using Telematics.Storage.Postgres.Partitions;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Partitions;

/// <summary>An archive file holds raw locations: it exists only when its record does, readable by its owner alone, whatever the session's settings.</summary>
public sealed class ArchiveFileSafetyTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_archive_that_does_not_commit_leaves_no_file()
    {
        var folder = Directory.CreateTempSubdirectory("telematics-archive-");
        try
        {
            var manager = NewPartitionManager(database);
            var month = new PartitionMonth(2018, 7);
            await NewIngestor(database, manager).IngestAsync(301, Samples(month.Start.AddDays(2), 500), Actor);

            // A reader of telematics_events keeps the DETACH waiting after the file is written and published.
            await using var reader = await database.DataSource.OpenConnectionAsync();
            await using var readerTransaction = await reader.BeginTransactionAsync();
            await using (var read = new NpgsqlCommand("SELECT count(*) FROM telematics_events", reader, readerTransaction))
            {
                await read.ExecuteScalarAsync();
            }

            using var cancel = new CancellationTokenSource();
            var archiving = manager.ArchiveAsync(month, folder.FullName, Actor, cancel.Token);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Directory.GetFiles(folder.FullName, "*.csv.gz").Length == 0 && !archiving.IsCompleted && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.Single(Directory.GetFiles(folder.FullName, "*.csv.gz"));
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => archiving);
            await readerTransaction.RollbackAsync();

            Assert.Empty(Directory.GetFiles(folder.FullName));
            Assert.Equal(500, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_2018_07"));
            Assert.Equal(0, await ScalarAsync(database.DataSource, "SELECT count(*) FROM partition_archives WHERE partition_name = 'telematics_events_2018_07'"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_archive_whose_record_is_refused_after_the_file_was_published_leaves_no_file()
    {
        var folder = Directory.CreateTempSubdirectory("telematics-archive-");
        const string Refuse = """
            CREATE FUNCTION refuse_archive_record() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'archive record refused by the test' USING ERRCODE = '57014'; END $$;
            CREATE TRIGGER refuse_archive_record BEFORE INSERT ON partition_archives FOR EACH ROW EXECUTE FUNCTION refuse_archive_record();
            """;
        try
        {
            var manager = NewPartitionManager(database);
            var month = new PartitionMonth(2018, 9);
            await NewIngestor(database, manager).IngestAsync(303, Samples(month.Start.AddDays(2), 40), Actor);
            // The record's INSERT is the one step between publishing the file and the caller's withdrawal (a cancelled
            // INSERT left the file behind once in CI: An_archive_that_does_not_commit_leaves_no_file).
            await ExecuteAsync(database.DataSource, Refuse);

            await Assert.ThrowsAsync<PostgresException>(() => manager.ArchiveAsync(month, folder.FullName, Actor));

            Assert.Empty(Directory.GetFiles(folder.FullName));
            Assert.Equal(40, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_2018_09"));
        }
        finally
        {
            await ExecuteAsync(database.DataSource, "DROP TRIGGER IF EXISTS refuse_archive_record ON partition_archives; DROP FUNCTION IF EXISTS refuse_archive_record()");
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Archive_files_and_the_folder_made_for_them_are_private_to_their_owner()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // POSIX file modes; Windows folders pass their ACLs on
        }

        var parent = Directory.CreateTempSubdirectory("telematics-archive-");
        try
        {
            var folder = Path.Combine(parent.FullName, "archives");
            var manager = NewPartitionManager(database);
            var month = new PartitionMonth(2018, 8);
            await NewIngestor(database, manager).IngestAsync(302, Samples(month.Start.AddDays(2), 50), Actor);

            var archive = await manager.ArchiveAsync(month, folder, Actor);

            Assert.NotNull(archive);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(archive.FilePath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        }
        finally
        {
            parent.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_session_with_another_date_style_archives_and_restores_the_same_rows()
    {
        var folder = Directory.CreateTempSubdirectory("telematics-archive-");
        var dmy = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Options = "-c DateStyle=SQL,DMY" };
        await using var dataSource = NpgsqlDataSource.Create(dmy.ConnectionString);
        try
        {
            var manager = new PartitionManager(dataSource, new TelematicsPostgresOptions(), TimeProvider.System);
            var month = new PartitionMonth(2018, 9);
            await NewIngestor(database).IngestAsync(303, Samples(month.Start.AddDays(2), 40), Actor);

            var archive = await manager.ArchiveAsync(month, folder.FullName, Actor);

            Assert.NotNull(archive);
            Assert.Equal(40, archive.Rows);
            Assert.Equal(40, await manager.RestoreAsync(archive.FilePath, month, Actor));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
