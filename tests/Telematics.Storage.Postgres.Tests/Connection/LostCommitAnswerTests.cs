using Npgsql;

using Telematics.Scoring.Experiments;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Experiments;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Connection;

/// <summary>
/// The audited writes a caller reports to a user, each through a relay that loses its COMMIT's answer: a write the server
/// stored is reported done (not "nothing stored", which a client would re-send into a duplicate or a 404), and one cut off
/// before its COMMIT fails with nothing stored.
/// </summary>
public sealed class LostCommitAnswerTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private LostCommitProxy _proxy = null!;
    private NpgsqlDataSource _through = null!;

    public async Task InitializeAsync()
    {
        await MigrateAsync(database);
        _proxy = new LostCommitProxy(database.ConnectionString);
        _through = NpgsqlDataSource.Create(_proxy.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _through.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    private static string Reference() => "lost-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<long> CountAsync(string sql, string parameter)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // Runs a write whose COMMIT's answer the relay loses, and checks that the relay did cut its session.
    private async Task<T> WithLostAnswerAsync<T>(Func<Task<T>> write)
    {
        var cuts = _proxy.Cuts;
        _proxy.Arm(CommitCut.AfterCommit);
        var result = await write();
        Assert.Equal(cuts + 1, _proxy.Cuts);
        return result;
    }

    [Fact]
    public async Task A_driver_created_whose_answer_is_lost_is_reported_created_once()
    {
        var reference = Reference();

        var created = await WithLostAnswerAsync(() => new DriverRepository(_through, TimeProvider.System).CreateAsync(reference, "Driver", Actor));

        Assert.Equal(created, await new DriverRepository(database.DataSource, TimeProvider.System).GetByExternalRefAsync(reference));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM drivers WHERE external_ref = $1", reference));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM audit_log WHERE action = 'driver.create' AND resource = $1", "driver/" + created.DriverId));
    }

    [Fact]
    public async Task A_driver_cut_off_before_its_commit_is_not_created()
    {
        var reference = Reference();
        var cuts = _proxy.Cuts;
        _proxy.Arm(CommitCut.BeforeCommit);

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => new DriverRepository(_through, TimeProvider.System).CreateAsync(reference, "Driver", Actor));

        Assert.Equal(cuts + 1, _proxy.Cuts);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM drivers WHERE external_ref = $1", reference));
    }

    [Fact]
    public async Task An_erasure_whose_answer_is_lost_is_reported_with_what_it_erased()
    {
        var drivers = new DriverRepository(database.DataSource, TimeProvider.System);
        var driver = (await drivers.CreateAsync(Reference(), "Driver", Actor)).DriverId;
        await NewIngestor(database).IngestAsync(driver, Samples(new DateTimeOffset(2026, 3, 10, 8, 0, 0, TimeSpan.Zero), 40), Actor);

        var erasure = await WithLostAnswerAsync(() => new DriverRepository(_through, TimeProvider.System).EraseAsync(driver, Actor));

        Assert.NotNull(erasure);
        Assert.Equal(40, erasure.EventsDeleted);
        Assert.Null(await drivers.GetAsync(driver));
    }

    [Fact]
    public async Task An_upload_whose_answer_is_lost_is_reported_stored()
    {
        var driver = (await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync(Reference(), "Driver", Actor)).DriverId;
        var partitions = new PartitionManager(_through, new TelematicsPostgresOptions(), TimeProvider.System);
        var samples = Samples(new DateTimeOffset(2026, 3, 11, 8, 0, 0, TimeSpan.Zero), 25);
        // The month's partition made first, directly: otherwise the relay cuts its creation's commit, not the upload's.
        await new PartitionManager(database.DataSource, new TelematicsPostgresOptions(), TimeProvider.System).CreateAsync(new PartitionMonth(2026, 3), Actor);

        var result = await WithLostAnswerAsync(() => new EventIngestor(_through, partitions, TimeProvider.System).IngestAsync(driver, samples, Actor));

        Assert.Equal(25, result.Stored);
        Assert.Equal(25, await CountAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1::bigint", driver.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task An_experiment_and_an_audit_row_whose_answers_are_lost_are_reported_saved()
    {
        var name = Reference();
        var experiment = new ExperimentDefinition(name, "salt", [
            new ExperimentVariant("control", ModelReference.Parse("champion"), 10_000),
            ExperimentVariant.Shadow("shadow", ModelReference.Parse("risk@3")),
        ]);

        var (stored, previous) = await WithLostAnswerAsync(() => new ExperimentStore(_through, TimeProvider.System).SaveAsync(experiment, Actor));
        var seq = await WithLostAnswerAsync(() => new AuditLog(_through, TimeProvider.System).AppendAsync(Actor, "model.promote", "model/" + name, null, "{}"));

        Assert.Null(previous);
        Assert.Equal(stored.DefinitionJson, (await new ExperimentStore(database.DataSource, TimeProvider.System).GetAsync(name))!.DefinitionJson);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM audit_log WHERE action = 'model.promote' AND resource = $1", "model/" + name));
        Assert.True(seq > 0);
    }
}
