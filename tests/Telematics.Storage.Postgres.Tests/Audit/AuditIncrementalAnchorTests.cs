using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Audit;

/// <summary>An anchor re-reads only the rows after the latest valid anchor; full verification still reads everything.</summary>
public sealed class AuditIncrementalAnchorTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly PemAuditSigningKeyProvider _key = NewSigningKey();

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Anchoring_checks_the_rows_since_the_last_anchor_and_refuses_a_change_among_them()
    {
        var log = new AuditLog(database.DataSource, TimeProvider.System);
        for (var i = 1; i <= 5; i++)
        {
            await log.AppendAsync(new AuditActor("t"), "driver.create", $"driver/{i}", null, "{}");
        }

        Assert.Equal(5, (await log.AnchorAsync(_key))!.Seq);

        // A row before the anchor changed with the triggers off: the next anchor does not re-read it (incremental) ...
        await TamperAsync(2);
        await log.AppendAsync(new AuditActor("t"), "driver.create", "driver/6", null, "{}");
        Assert.Equal(6, (await log.AnchorAsync(_key))!.Seq);
        // ... while full verification names it.
        var full = await log.VerifyAsync(new() { Key = _key });
        Assert.False(full.IsIntact);
        Assert.Equal(2, full.FirstBrokenSeq);

        // A row after the latest anchor changed: anchoring refuses.
        await log.AppendAsync(new AuditActor("t"), "driver.create", "driver/7", null, "{}");
        await TamperAsync(7);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => log.AnchorAsync(_key));
        Assert.Contains("row 7", refused.Message, StringComparison.Ordinal);
    }

    private async Task TamperAsync(long seq)
    {
        await ExecuteAsync(database.DataSource,
            AuditTampering.WithTriggersOff($"UPDATE audit_log SET resource = 'driver/999' WHERE seq = {seq}"));
    }
}
