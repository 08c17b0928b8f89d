using System.Net;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Audit;

/// <summary>
/// What a superuser with the triggers off can do to the audit log, and what verification says of it: the chain head
/// catches a removed tail, the journal outside the database catches deleted anchors, the key catches an altered journal,
/// and the age limit refuses to call old unanchored rows intact.
/// </summary>
public sealed class AuditTamperTests : IAsyncLifetime, IDisposable
{
    private readonly PostgresDatabase _database = new();
    private readonly PemAuditSigningKeyProvider _key = NewSigningKey();
    private readonly string _directory = Directory.CreateTempSubdirectory("audit-journal-").FullName;

    private AuditAnchorJournal Journal => new(Path.Combine(_directory, "anchors.jsonl"));

    private AuditLog Log => new(_database.DataSource, TimeProvider.System);

    public async Task InitializeAsync()
    {
        // A database of its own: every test tampers with the log.
        await _database.InitializeAsync();
        await MigrateAsync(_database);
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task AppendAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Log.AppendAsync(new AuditActor("alice", IPAddress.Loopback), "driver.update", $"driver/{i}", null, $"{{\"n\": {i}}}");
        }
    }

    [Fact]
    public async Task Deleting_the_newest_rows_is_caught_by_the_chain_head_before_the_next_append()
    {
        await AppendAsync(10);
        await ExecuteAsync(_database.DataSource, AuditTampering.DeleteTail(7));

        var verdict = await Log.VerifyAsync();

        Assert.False(verdict.IsIntact);
        Assert.Equal(8, verdict.FirstBrokenSeq);
        Assert.Contains("the chain head records row 10 but the log ends at row 7", verdict.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_the_newest_rows_and_moving_the_head_back_is_caught_by_an_anchor_over_them()
    {
        await AppendAsync(10);
        await Log.AnchorAsync(_key);
        await ExecuteAsync(_database.DataSource, AuditTampering.DeleteTail(7, head: true));

        var verdict = await Log.VerifyAsync(new() { Key = _key });

        Assert.False(verdict.IsIntact);
        Assert.Equal(10, verdict.FirstBrokenSeq);
        Assert.Contains("rows were removed", verdict.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consistent_rewrite_with_the_anchors_deleted_is_caught_by_the_journal()
    {
        await AppendAsync(6);
        await Log.AnchorAsync(_key, Journal);
        await AppendAsync(2);
        await ExecuteAsync(_database.DataSource, AuditTampering.RewriteConsistently(2, "mallory", head: true) + AuditTampering.DeleteAnchors);

        var withoutJournal = await Log.VerifyAsync(new() { Key = _key });
        var withJournal = await Log.VerifyAsync(new() { Key = _key, Journal = Journal });

        Assert.True(withoutJournal.IsIntact, "rows, head and (no) anchors agree: only a copy outside the database can tell");
        Assert.False(withJournal.IsIntact);
        Assert.Equal(6, withJournal.FirstBrokenSeq);
        Assert.Contains("missing from audit_anchors", withJournal.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_untouched_log_with_a_journal_verifies_and_anchoring_twice_journals_once()
    {
        await AppendAsync(4);
        await Log.AnchorAsync(_key, Journal);
        await Log.AnchorAsync(_key, Journal);
        await AppendAsync(1);
        await Log.AnchorAsync(_key, Journal);

        var verdict = await Log.VerifyAsync(new() { Key = _key, Journal = Journal, MaxUnanchoredAge = TimeSpan.FromHours(1) });

        Assert.True(verdict.IsIntact, verdict.ToString());
        Assert.Equal((2, 2, 5L), (verdict.AnchorsChecked, verdict.JournalAnchorsChecked, verdict.AnchoredThroughSeq));
        Assert.Equal(2, File.ReadAllLines(Journal.Path).Length);
        Assert.EndsWith("2 anchors verified, 2 found in the journal", verdict.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_altered_journal_line_is_named_with_the_key_and_without_it()
    {
        await AppendAsync(3);
        var anchor = (await Log.AnchorAsync(_key, Journal))!;
        var line = File.ReadAllText(Journal.Path);
        var forged = Convert.ToHexStringLower(new byte[32]);
        File.WriteAllText(Journal.Path, line.Replace(Convert.ToHexStringLower(anchor.HeadHash.Span), forged, StringComparison.Ordinal));

        var withKey = await Log.VerifyAsync(new() { Key = _key, Journal = Journal });
        var withoutKey = await Log.VerifyAsync(new() { Journal = Journal });

        Assert.False(withKey.IsIntact);
        Assert.Contains($"in the anchor journal {Journal.Path}: the anchor signature at row 3 does not verify", withKey.Problem, StringComparison.Ordinal);
        Assert.False(withoutKey.IsIntact);
        Assert.Contains("differs between the journal", withoutKey.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_journal_line_that_is_not_an_anchor_is_named_by_line_and_field()
    {
        await AppendAsync(2);
        await Log.AnchorAsync(_key, Journal);
        File.AppendAllText(Journal.Path, "{\"seq\": 3, \"head_hash\": \"00\"}\n");

        var verdict = await Log.VerifyAsync(new() { Journal = Journal });

        Assert.False(verdict.IsIntact);
        Assert.Null(verdict.FirstBrokenSeq);
        Assert.Contains("line 2: head_hash must be 32 bytes", verdict.Problem, StringComparison.Ordinal);
        Assert.StartsWith("audit log NOT VERIFIED: ", verdict.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rows_older_than_the_age_limit_without_an_anchor_are_not_called_intact()
    {
        await AppendAsync(3);
        await Log.AnchorAsync(_key);
        await AppendAsync(2);
        var later = new AuditLog(_database.DataSource, new ShiftedClock(TimeSpan.FromHours(3)));

        var stale = await later.VerifyAsync(new() { Key = _key, MaxUnanchoredAge = TimeSpan.FromHours(2) });
        var recent = await Log.VerifyAsync(new() { Key = _key, MaxUnanchoredAge = TimeSpan.FromHours(2) });
        await Log.AnchorAsync(_key);
        var covered = await later.VerifyAsync(new() { Key = _key, MaxUnanchoredAge = TimeSpan.FromHours(2) });

        Assert.False(stale.IsIntact);
        Assert.True(stale.IsUnanchored);
        Assert.Equal(4, stale.FirstBrokenSeq);
        Assert.StartsWith("audit log NOT PROVEN from row 4: rows 4–5 are not covered", stale.ToString(), StringComparison.Ordinal);
        Assert.True(recent.IsIntact, recent.ToString());
        Assert.EndsWith("rows 4–5 not yet anchored", recent.ToString(), StringComparison.Ordinal);
        Assert.True(covered.IsIntact, covered.ToString());
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
