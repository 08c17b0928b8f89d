using Npgsql;

using Telematics.Storage.Postgres.Audit;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Audit;

/// <summary>Anchors signed with an earlier key, or that no known key can check, neither break the log nor block anchoring.</summary>
public sealed class AuditAnchorRotationTests : IAsyncLifetime
{
    private readonly LeastPrivilegeDatabase _database = new();
    private NpgsqlDataSource _app = null!;

    private AuditLog Log => new(_app, TimeProvider.System);

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = NpgsqlDataSource.Create(_database.ConnectionStringAs(_database.App));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_new_key_anchors_after_an_old_one_and_verification_checks_both_with_the_previous_key_given()
    {
        var k1 = NewSigningKey();
        var k2 = NewSigningKey();
        await Log.AppendAsync(Actor, "driver.update", "driver/1", null, "{}");
        Assert.NotNull(await Log.AnchorAsync(k1));
        await Log.AppendAsync(Actor, "driver.update", "driver/2", null, "{}");

        var second = await Log.AnchorAsync(k2);

        Assert.NotNull(second);
        Assert.Equal(k2.KeyId, second.KeyId);
        var both = await Log.VerifyAsync(new() { Key = k2, PreviousKeys = [k1] });
        Assert.True(both.IsIntact, both.Problem);
        Assert.Equal(2, both.AnchorsChecked);
        Assert.Equal(0, both.UnverifiableAnchors);
        var onlyNew = await Log.VerifyAsync(new() { Key = k2 });
        Assert.True(onlyNew.IsIntact, onlyNew.Problem);
        Assert.Equal(1, onlyNew.UnverifiableAnchors);
    }

    [Fact]
    public async Task A_junk_anchor_inserted_by_the_application_role_does_not_block_anchoring()
    {
        var key = NewSigningKey();
        await Log.AppendAsync(Actor, "driver.update", "driver/1", null, "{}");
        await ExecuteAsync(_app,
            "INSERT INTO audit_anchors (seq, head_hash, signed_at, key_id, signature) SELECT seq, hash, now(), 'mallory', '\\x00' FROM audit_chain_head");
        await Log.AppendAsync(Actor, "driver.update", "driver/2", null, "{}");

        var anchor = await Log.AnchorAsync(key);

        Assert.NotNull(anchor);
        Assert.Equal(key.KeyId, anchor.KeyId);
        var verdict = await Log.VerifyAsync(new() { Key = key });
        Assert.True(verdict.IsIntact, verdict.Problem);
        Assert.Equal(1, verdict.UnverifiableAnchors);
        Assert.Equal(anchor.Seq, verdict.AnchoredThroughSeq);
    }
}
