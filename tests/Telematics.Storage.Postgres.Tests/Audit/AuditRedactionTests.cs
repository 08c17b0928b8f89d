using Npgsql;

using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Audit;

/// <summary>
/// Migration 0030: an erasure removes the content of the driver's earlier audit rows, the chain still verifies through
/// the rows' salted digests, and what a superuser changes in a row, its content or anything else, is still caught.
/// </summary>
public sealed class AuditRedactionTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    private AuditLog Log => new(_database.DataSource, TimeProvider.System);

    private DriverRepository Drivers => new(_database.DataSource, TimeProvider.System);

    public async Task InitializeAsync()
    {
        // A database of its own: the tests tamper with the log.
        await _database.InitializeAsync();
        await MigrateAsync(_database);
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task An_erasure_removes_the_content_of_the_drivers_rows_and_of_those_under_it_and_an_earlier_anchor_still_checks()
    {
        var key = NewSigningKey();
        var erased = (await Drivers.CreateAsync("REDACT-1", "Erin Erased", Actor)).DriverId;
        await Drivers.RenameAsync(erased, "Erin Still Erased", Actor);
        await Log.AppendAsync(Actor, "premium.change", $"driver/{erased}/premium", null, "{\"holder\": \"Erin Erased\"}");
        await Log.AppendAsync(Actor, "driver.update", $"driver/{erased}0", null, "{\"display_name\": \"Not Erin\"}");
        var kept = (await Drivers.CreateAsync("REDACT-2", "Kim Kept", Actor)).DriverId;
        await Log.AnchorAsync(key);

        var erasure = await Drivers.EraseAsync(erased, Actor);

        Assert.Equal(3, erasure!.AuditRowsRedacted);
        Assert.Equal(0, erasure.AuditRowsKept);
        Assert.Equal(0L, await ScalarAsync(_database.DataSource, "SELECT count(*) FROM audit_log WHERE before::text LIKE '%Erin Erased%' OR after::text LIKE '%Erin%Erased%'"));
        Assert.Equal(1L, await ScalarAsync(_database.DataSource, "SELECT count(*) FROM audit_log WHERE after::text LIKE '%Not Erin%'"));
        Assert.Equal(1L, await ScalarAsync(_database.DataSource, $"SELECT count(*) FROM audit_log WHERE resource = 'driver/{kept}' AND after::text LIKE '%Kim Kept%'"));
        var verdict = await Log.VerifyAsync(new() { Key = key });
        Assert.True(verdict.IsIntact, verdict.Problem);
        Assert.Equal(1, verdict.AnchorsChecked);

        var rows = (await new AuditReader(_database.DataSource).ReadPageAsync(new AuditFilter(Resource: $"driver/{erased}"), 1, 10))
            .Where(r => r.Action != "driver.delete").ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.True(r.BeforeJson is null && r.AfterJson is null && r.RedactedAt is not null));
    }

    [Fact]
    public async Task A_changed_content_is_caught_through_its_digest()
    {
        var driver = (await Drivers.CreateAsync("REDACT-3", "Carl Changed", Actor)).DriverId;
        var seq = await ScalarAsync(_database.DataSource, $"SELECT seq FROM audit_log WHERE resource = 'driver/{driver}'");

        await ExecuteAsync(_database.DataSource, AuditTampering.WithTriggersOff($"UPDATE audit_log SET after = jsonb_set(after, '{{display_name}}', '\"Mallory\"') WHERE seq = {seq}"));

        var verdict = await Log.VerifyAsync();
        Assert.False(verdict.IsIntact);
        Assert.Equal(seq, verdict.FirstBrokenSeq);
        Assert.Contains("does not match its contents", verdict.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Content_removed_without_a_redaction_on_record_is_caught()
    {
        var driver = (await Drivers.CreateAsync("REDACT-4", "Rita Removed", Actor)).DriverId;
        var seq = await ScalarAsync(_database.DataSource, $"SELECT seq FROM audit_log WHERE resource = 'driver/{driver}'");

        await ExecuteAsync(_database.DataSource, AuditTampering.WithTriggersOff($"UPDATE audit_log SET after = NULL, content_salt = NULL WHERE seq = {seq}"));

        var verdict = await Log.VerifyAsync();
        Assert.False(verdict.IsIntact);
        Assert.Equal(seq, verdict.FirstBrokenSeq);
        Assert.Contains("its after was removed without a redaction on record", verdict.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redacted_rows_other_fields_are_still_proven()
    {
        var driver = (await Drivers.CreateAsync("REDACT-5", "Otto Other", Actor)).DriverId;
        await Drivers.EraseAsync(driver, Actor);
        var seq = await ScalarAsync(_database.DataSource, $"SELECT seq FROM audit_log WHERE resource = 'driver/{driver}' AND redacted_at IS NOT NULL");

        await ExecuteAsync(_database.DataSource, AuditTampering.WithTriggersOff($"UPDATE audit_log SET actor = 'mallory' WHERE seq = {seq}"));

        var verdict = await Log.VerifyAsync();
        Assert.False(verdict.IsIntact);
        Assert.Equal(seq, verdict.FirstBrokenSeq);
    }

    [Theory]
    [InlineData("actor = 'mallory'")]
    [InlineData("before = NULL, after = NULL")]
    [InlineData("before = NULL, after = NULL, content_salt = NULL")]
    [InlineData("after = NULL, content_salt = NULL, redacted_at = now()")]
    [InlineData("before = NULL, after = NULL, content_salt = NULL, redacted_at = now(), before_digest = NULL")]
    public async Task An_update_that_is_not_exactly_a_redaction_is_refused_even_to_a_superuser(string change)
    {
        var driver = (await Drivers.CreateAsync("REDACT-6", "Una Updated", Actor)).DriverId;
        await Drivers.RenameAsync(driver, "Una Renamed", Actor);

        var refused = await Assert.ThrowsAsync<PostgresException>(() =>
            ExecuteAsync(_database.DataSource, $"UPDATE audit_log SET {change} WHERE resource = 'driver/{driver}' AND action = 'driver.update'"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_row_is_redacted_once()
    {
        var driver = (await Drivers.CreateAsync("REDACT-7", "Ola Once", Actor)).DriverId;
        Assert.Equal(1, (await Drivers.EraseAsync(driver, Actor))!.AuditRowsRedacted);

        var again = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(_database.DataSource,
            $"UPDATE audit_log SET before = NULL, after = NULL, content_salt = NULL, redacted_at = now() WHERE resource = 'driver/{driver}' AND action = 'driver.create'"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, again.SqlState);
        Assert.True((await Log.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Rows_written_before_the_migration_keep_their_content_are_counted_and_still_verify()
    {
        var driver = (await Drivers.CreateAsync("REDACT-8", "Vera Versioned", Actor)).DriverId;
        await ExecuteAsync(_database.DataSource, AuditTampering.WithTriggersOff(EncodingOneRow(driver, "{\"display_name\": \"Vera Before 0030\"}")));

        var erasure = await Drivers.EraseAsync(driver, Actor);

        Assert.Equal(1, erasure!.AuditRowsRedacted);
        Assert.Equal(1, erasure.AuditRowsKept);
        Assert.Equal(1L, await ScalarAsync(_database.DataSource, "SELECT count(*) FROM audit_log WHERE encoding = 1 AND after::text LIKE '%Vera Before 0030%'"));
        var verdict = await Log.VerifyAsync();
        Assert.True(verdict.IsIntact, verdict.Problem);
    }

    // A row as migrations before 0030 wrote it (encoding 1, hashed over its content), appended at the head of the chain.
    private static string EncodingOneRow(long driverId, string afterJson) => $$"""
        DO $$
        DECLARE r audit_log; head record;
        BEGIN
            SELECT seq, hash INTO head FROM audit_log ORDER BY seq DESC LIMIT 1;
            r.seq := head.seq + 1;
            r.prev_hash := head.hash;
            r.occurred_at := now();
            r.actor := 'test:runner';
            r.action := 'driver.update';
            r.resource := 'driver/{{driverId}}';
            r.after := '{{afterJson}}';
            r.encoding := 1;
            r.hash := audit_log_row_hash(r.prev_hash, r);
            INSERT INTO audit_log SELECT r.*;
            UPDATE audit_chain_head SET seq = r.seq, hash = r.hash WHERE id = 1;
        END $$
        """;
}
