using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Partitions;

/// <summary>What an archive run killed mid-way leaves in the folder is cleaned up or reported by the next run.</summary>
public sealed class ArchiveCrashRecoveryTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_next_run_deletes_partial_files_and_reports_published_files_with_no_record_to_the_report_and_to_erasure()
    {
        var folder = Directory.CreateTempSubdirectory("telematics-archive-crash-");
        try
        {
            // A run killed while writing (a .partial) and one killed between publishing the file and recording it.
            var partial = Path.Combine(folder.FullName, "telematics_events_2016_03-20260101T000000Z.csv.gz.partial");
            var unrecorded = Path.Combine(folder.FullName, "telematics_events_2016_04-20260101T000000Z.csv.gz");
            var foreign = Path.Combine(folder.FullName, "notes.txt.partial");
            foreach (var file in new[] { partial, unrecorded, foreign })
            {
                await File.WriteAllBytesAsync(file, [1, 2, 3]);
            }

            var drivers = new DriverRepository(database.DataSource, TimeProvider.System);
            var driver = await drivers.CreateAsync("CRASH-" + Guid.NewGuid(), "Cass Crashed", Actor);
            var month = new PartitionMonth(2016, 5);
            var manager = NewPartitionManager(database);
            await NewIngestor(database, manager).IngestAsync(driver.DriverId, Samples(month.Start.AddDays(1), 20), Actor);

            var archive = await manager.ArchiveAsync(month, folder.FullName, Actor);

            Assert.NotNull(archive);
            Assert.False(File.Exists(partial));
            Assert.True(File.Exists(unrecorded));
            Assert.True(File.Exists(foreign));
            var maintained = await NewPartitionManager(database, options: new TelematicsPostgresOptions { ArchiveDirectory = folder.FullName }).MaintainAsync(Actor);
            Assert.Equal([Path.GetFileName(unrecorded)], maintained.UnrecordedArchives);
            var erasure = await drivers.EraseAsync(driver.DriverId, Actor);
            Assert.NotNull(erasure);
            Assert.Contains(Path.GetFileName(archive.FilePath), erasure.ArchivesToReview);
            Assert.Contains(Path.GetFileName(unrecorded), erasure.ArchivesToReview);
            Assert.Equal(2, erasure.ArchivesToReview.Count);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
