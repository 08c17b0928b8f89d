using System.Net;

using Npgsql;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Audit;

public sealed class AuditLogTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly PemAuditSigningKeyProvider _key = NewSigningKey();

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private AuditLog Log => new(database.DataSource, TimeProvider.System);

    // Each test works on a database of its own: these tests tamper with the log on purpose.
    private static async Task<T> WithFreshDatabaseAsync<T>(Func<PostgresDatabase, Task<T>> body)
    {
        var fresh = new PostgresDatabase();
        await fresh.InitializeAsync();
        try
        {
            await MigrateAsync(fresh);
            return await body(fresh);
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    private static async Task AppendSomeAsync(AuditLog log, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await log.AppendAsync(
                new AuditActor("alice", IPAddress.Parse(i % 2 == 0 ? "10.1.2.3" : "2001:db8::7")),
                "driver.update",
                $"driver/{i}",
                i % 3 == 0 ? null : $"{{\"name\": \"Zoë {i}\", \"score\": {i}.50}}",
                $"{{\"name\": \"Zoë {i + 1}\", \"tags\": [1, 2, {{\"x\": null}}]}}");
        }
    }

    [Fact]
    public async Task An_untouched_log_verifies_with_its_length_and_head()
    {
        var verdict = await WithFreshDatabaseAsync(async db =>
        {
            var log = new AuditLog(db.DataSource, TimeProvider.System);
            await AppendSomeAsync(log, 12);
            await log.AnchorAsync(_key);
            await AppendSomeAsync(log, 3);
            return await log.VerifyAsync(new() { Key = _key });
        });

        Assert.True(verdict.IsIntact, verdict.ToString());
        Assert.Equal(15, verdict.Length);
        Assert.Equal(1, verdict.AnchorsChecked);
        Assert.StartsWith("audit log intact: 15 rows, head ", verdict.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verification_does_not_depend_on_session_settings()
    {
        await AppendSomeAsync(Log, 2);
        var builder = new NpgsqlDataSourceBuilder(database.ConnectionString);
        builder.ConnectionStringBuilder.Options = "-c TimeZone=Pacific/Chatham -c DateStyle=German -c extra_float_digits=-5 -c IntervalStyle=sql_standard";
        await using var odd = builder.Build();
        await new AuditLog(odd, TimeProvider.System).AppendAsync(Actor, "driver.create", "driver/odd", null, "{\"a\": 1.0}");

        var verdict = await new AuditLog(odd, TimeProvider.System).VerifyAsync(null);
        Assert.True(verdict.IsIntact, verdict.ToString());
    }

    [Fact]
    public async Task Update_delete_and_truncate_of_the_log_are_refused()
    {
        await AppendSomeAsync(Log, 1);
        // An anchor of its own: the row trigger refuses DELETE FROM audit_anchors only when there is a row to delete, and
        // whether another test of this class anchored first depends on the order the tests run in.
        await Log.AnchorAsync(_key);
        foreach (var sql in new[] { "UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log", "TRUNCATE audit_log", "DELETE FROM audit_anchors" })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(database.DataSource, sql));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        }
    }

    [Fact]
    public async Task A_row_edited_by_a_superuser_with_triggers_disabled_is_named()
    {
        var verdict = await WithFreshDatabaseAsync(async db =>
        {
            var log = new AuditLog(db.DataSource, TimeProvider.System);
            await AppendSomeAsync(log, 10);
            await ExecuteAsync(db.DataSource, AuditTampering.WithTriggersOff("UPDATE audit_log SET after = '{\"name\": \"Mallory\"}' WHERE seq = 7"));
            return await log.VerifyAsync(new() { Key = _key });
        });

        Assert.False(verdict.IsIntact);
        Assert.Equal(7, verdict.FirstBrokenSeq);
        Assert.Contains("row 7", verdict.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_row_is_named()
    {
        var verdict = await WithFreshDatabaseAsync(async db =>
        {
            var log = new AuditLog(db.DataSource, TimeProvider.System);
            await AppendSomeAsync(log, 6);
            await ExecuteAsync(db.DataSource, "SET session_replication_role = replica; DELETE FROM audit_log WHERE seq = 4; SET session_replication_role = origin");
            return await log.VerifyAsync(null);
        });

        Assert.False(verdict.IsIntact);
        Assert.Equal(4, verdict.FirstBrokenSeq);
    }

    [Fact]
    public async Task A_chain_rewritten_consistently_is_caught_by_the_signed_anchor()
    {
        var (withoutKey, withKey) = await WithFreshDatabaseAsync(async db =>
        {
            var log = new AuditLog(db.DataSource, TimeProvider.System);
            await AppendSomeAsync(log, 8);
            await log.AnchorAsync(_key);
            await AppendSomeAsync(log, 2);

            // A superuser rewrites row 3 and recomputes every hash after it with the database's own function.
            await ExecuteAsync(db.DataSource, AuditTampering.RewriteConsistently(3, "mallory"));
            return (await log.VerifyAsync(null), await log.VerifyAsync(new() { Key = _key }));
        });

        // The rewrite is self-consistent, so only the anchor can tell: its head hash, with or without the key.
        foreach (var verdict in new[] { withoutKey, withKey })
        {
            Assert.False(verdict.IsIntact);
            Assert.Equal(8, verdict.FirstBrokenSeq);
            Assert.Contains("the change lies in rows 1–8", verdict.Problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_anchor_of_a_key_the_verifier_does_not_know_covers_nothing_and_a_broken_chain_is_never_signed()
    {
        await AppendSomeAsync(Log, 2);
        await Log.AnchorAsync(_key);

        // Unverifiable rather than a break (a key change must not break the log for good), but it proves nothing:
        // the rows count as unanchored, which MaxUnanchoredAge refuses to call intact.
        var verdict = await Log.VerifyAsync(new() { Key = NewSigningKey() });
        Assert.True(verdict.IsIntact, verdict.Problem);
        Assert.True(verdict.UnverifiableAnchors >= 1);
        Assert.Equal(verdict.AnchorsChecked, verdict.UnverifiableAnchors);
        Assert.Equal(0, verdict.AnchoredThroughSeq);
        Assert.False((await Log.VerifyAsync(new() { Key = NewSigningKey(), MaxUnanchoredAge = TimeSpan.Zero })).IsIntact);

        using var publicOnly = _key.CreateVerificationKey();
        var verifier = new PemAuditSigningKeyProvider(publicOnly.ExportSubjectPublicKeyInfoPem());
        Assert.True((await Log.VerifyAsync(new() { Key = verifier })).IsIntact);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Log.AnchorAsync(verifier));
    }

    [Fact]
    public async Task Concurrent_appends_do_not_fork_the_chain()
    {
        var verdict = await WithFreshDatabaseAsync(async db =>
        {
            var log = new AuditLog(db.DataSource, TimeProvider.System);
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => AppendSomeAsync(log, 25))));
            return await log.VerifyAsync(null);
        });

        Assert.True(verdict.IsIntact, verdict.ToString());
        Assert.Equal(200, verdict.Length);
    }

    [Fact]
    public async Task Injection_text_in_actor_and_resource_is_stored_verbatim()
    {
        const string Hostile = "x'); DROP TABLE drivers; --";
        var seq = await Log.AppendAsync(new AuditActor(Hostile), "driver.create", Hostile, null, null);
        await using var command = database.DataSource.CreateCommand($"SELECT actor = resource FROM audit_log WHERE seq = {seq} AND actor = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Hostile });
        Assert.Equal(true, await command.ExecuteScalarAsync());
        Assert.Equal(1, await ScalarAsync(database.DataSource, "SELECT count(*) FROM pg_class WHERE relname = 'drivers'"));
    }

    [Fact]
    public async Task Invalid_json_fails_cleanly_and_writes_nothing()
    {
        var before = await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log");
        var error = await Assert.ThrowsAsync<PostgresException>(() => Log.AppendAsync(Actor, "driver.create", "driver/1", null, "{not json"));
        Assert.Equal(PostgresErrorCodes.InvalidTextRepresentation, error.SqlState);
        Assert.Equal(before, await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log"));
    }
}
