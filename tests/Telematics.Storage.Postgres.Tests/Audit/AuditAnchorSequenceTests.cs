using Npgsql;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Audit;

/// <summary>One anchor per chain position (migration 0012).</summary>
public sealed class AuditAnchorSequenceTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Anchoring_an_unchanged_head_again_returns_the_stored_anchor_and_stores_no_second_one()
    {
        var key = NewSigningKey();
        var log = new AuditLog(database.DataSource, TimeProvider.System);
        await log.AppendAsync(new AuditActor("t"), "driver.create", "driver/1", null, "{}");

        var first = await log.AnchorAsync(key);
        var again = await log.AnchorAsync(key);

        Assert.NotNull(first);
        Assert.NotNull(again);
        Assert.Equal(first.Seq, again.Seq);
        Assert.Equal(first.Signature.ToArray(), again.Signature.ToArray());
        Assert.Equal(1, await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_anchors"));

        var duplicate = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(database.DataSource,
            "INSERT INTO audit_anchors (seq, head_hash, signed_at, key_id, signature) SELECT seq, head_hash, signed_at, key_id, signature FROM audit_anchors"));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, duplicate.SqlState);
    }
}
