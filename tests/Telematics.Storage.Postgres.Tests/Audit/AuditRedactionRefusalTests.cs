using Npgsql;

using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Audit;

/// <summary>
/// Migration 0033: a redaction is only of a driver's rows (driver/N or driver/N/…) whose erasure is on record (a
/// driver.delete row), and verification reports a redacted row that is not.
/// </summary>
public sealed class AuditRedactionRefusalTests : IAsyncLifetime
{
    private const string Redact = "UPDATE audit_log SET before = NULL, after = NULL, content_salt = NULL, redacted_at = now() WHERE ";

    private readonly LeastPrivilegeDatabase _database = new();
    private NpgsqlDataSource _app = null!;

    private NpgsqlDataSource Superuser => _database.Superuser;

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
    public async Task The_application_role_cannot_redact_a_driver_it_deleted_without_an_erasure()
    {
        var driver = (await new DriverRepository(_app, TimeProvider.System).CreateAsync("refuse-1", "Dora Deleted", Actor)).DriverId;
        await ExecuteAsync(_app, $"DELETE FROM drivers WHERE driver_id = {driver}");

        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(_app, $"SELECT * FROM audit_log_redact_driver({driver})"));

        Assert.Equal("55000", refused.SqlState);
        Assert.Equal(1L, await ScalarAsync(_app, "SELECT count(*) FROM audit_log WHERE after::text LIKE '%Dora Deleted%'"));
        Assert.True((await new AuditLog(_app, TimeProvider.System).VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_redaction_outside_an_erased_drivers_rows_is_refused_even_to_a_superuser()
    {
        var driver = (await new DriverRepository(_app, TimeProvider.System).CreateAsync("refuse-2", "Nora Never-Erased", Actor)).DriverId;
        await new AuditLog(_app, TimeProvider.System).AppendAsync(Actor, "book.update", "book/1", null, "{\"note\": \"not a driver's\"}");
        var erased = (await new DriverRepository(_app, TimeProvider.System).CreateAsync("refuse-3", "Ezra Erased", Actor)).DriverId;
        Assert.NotNull(await new DriverRepository(_app, TimeProvider.System).EraseAsync(erased, Actor));

        foreach (var where in new[] { $"resource = 'driver/{driver}'", "resource = 'book/1'", $"resource = 'driver/{erased}' AND action = 'driver.delete'" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(Superuser, Redact + where));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
    }

    [Fact]
    public async Task Verification_reports_a_redacted_row_of_a_driver_with_no_erasure_on_record()
    {
        var driver = (await new DriverRepository(_app, TimeProvider.System).CreateAsync("refuse-4", "Vic Verified", Actor)).DriverId;
        var seq = await ScalarAsync(Superuser, $"SELECT seq FROM audit_log WHERE resource = 'driver/{driver}'");
        await ExecuteAsync(Superuser, AuditTampering.WithTriggersOff(Redact + $"seq = {seq}"));

        var verdict = await new AuditLog(_app, TimeProvider.System).VerifyAsync();

        Assert.False(verdict.IsIntact);
        Assert.Equal(seq, verdict.FirstBrokenSeq);
        Assert.Contains("no driver.delete row", verdict.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verification_reports_a_redacted_row_that_is_not_a_drivers()
    {
        await new AuditLog(_app, TimeProvider.System).AppendAsync(Actor, "book.update", "book/2", null, "{\"note\": \"not a driver's\"}");
        var seq = await ScalarAsync(Superuser, "SELECT seq FROM audit_log WHERE resource = 'book/2'");
        await ExecuteAsync(Superuser, AuditTampering.WithTriggersOff(Redact + $"seq = {seq}"));

        var verdict = await new AuditLog(_app, TimeProvider.System).VerifyAsync();

        Assert.False(verdict.IsIntact);
        Assert.Equal(seq, verdict.FirstBrokenSeq);
        Assert.Contains("not a driver's", verdict.Problem, StringComparison.Ordinal);
    }
}
