using System.Net;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Audit;

public sealed class AuditReaderTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await MigrateAsync(database);

        // xunit makes a class instance per test; the rows are written once for the whole class.
        if (await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log WHERE action = 'reader.five'") > 0)
        {
            return;
        }

        var log = new AuditLog(database.DataSource, TimeProvider.System);
        var ip = IPAddress.Parse("10.1.2.3");
        for (var i = 1; i <= 7; i++)
        {
            await log.AppendAsync(new AuditActor(i % 2 == 0 ? "api:even" : "api:odd", ip), i <= 5 ? "reader.five" : "reader.other", $"thing/{i}", null, $"{{\"i\":{i}}}");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private AuditReader Reader => new(database.DataSource);

    [Fact]
    public async Task Pages_of_one_action_come_newest_first_and_the_last_page_is_short()
    {
        var first = await Reader.ReadPageAsync(new AuditFilter(Action: "reader.five"), 1, 2);
        var third = await Reader.ReadPageAsync(new AuditFilter(Action: "reader.five"), 3, 2);

        Assert.Equal(["thing/5", "thing/4"], first.Select(r => r.Resource));
        Assert.Equal(["thing/1"], third.Select(r => r.Resource));
        Assert.True(first[0].Seq > first[1].Seq);
        Assert.Equal("{\"i\": 5}", first[0].AfterJson);
        Assert.Equal(IPAddress.Parse("10.1.2.3"), first[0].Ip);
    }

    [Fact]
    public async Task Filters_on_actor_resource_and_time_all_have_to_hold()
    {
        var all = await Reader.ReadPageAsync(new AuditFilter(Actor: "api:even"), 1, 100);
        var oneResource = await Reader.ReadPageAsync(new AuditFilter(Resource: "thing/6", Actor: "api:even"), 1, 100);
        var wrongActor = await Reader.ReadPageAsync(new AuditFilter(Resource: "thing/6", Actor: "api:odd"), 1, 100);
        var future = await Reader.ReadPageAsync(new AuditFilter(Action: "reader.five", From: DateTimeOffset.UtcNow.AddHours(1)), 1, 100);
        var past = await Reader.ReadPageAsync(new AuditFilter(Action: "reader.five", To: DateTimeOffset.UtcNow.AddHours(1)), 1, 100);

        Assert.Equal(["thing/6", "thing/4", "thing/2"], all.Where(r => r.Resource.StartsWith("thing/", StringComparison.Ordinal)).Select(r => r.Resource));
        Assert.Equal("thing/6", Assert.Single(oneResource).Resource);
        Assert.Empty(wrongActor);
        Assert.Empty(future);
        Assert.Equal(5, past.Count);
    }

    [Fact]
    public async Task Keyset_pages_of_one_action_walk_newest_first_and_the_last_page_has_no_next_cursor()
    {
        var filter = new AuditFilter(Action: "reader.five");

        var first = await Reader.ReadAfterAsync(filter, null, 2);
        var second = await Reader.ReadAfterAsync(filter, first.NextAfterSeq, 2);
        var third = await Reader.ReadAfterAsync(filter, second.NextAfterSeq, 2);

        Assert.Equal(["thing/5", "thing/4"], first.Items.Select(r => r.Resource));
        Assert.Equal(["thing/3", "thing/2"], second.Items.Select(r => r.Resource));
        Assert.Equal(["thing/1"], third.Items.Select(r => r.Resource));
        Assert.Equal(first.Items[^1].Seq, first.NextAfterSeq);
        Assert.Null(third.NextAfterSeq);
    }

    [Fact]
    public async Task A_page_that_ends_exactly_at_the_last_row_says_no_page_follows()
    {
        var filter = new AuditFilter(Action: "reader.other");

        var only = await Reader.ReadAfterAsync(filter, null, 2);

        Assert.Equal(["thing/7", "thing/6"], only.Items.Select(r => r.Resource));
        Assert.Null(only.NextAfterSeq);
    }

    [Fact]
    public async Task Keyset_pages_match_offset_pages_under_every_filter()
    {
        var filter = new AuditFilter(Actor: "api:odd", To: DateTimeOffset.UtcNow.AddHours(1));
        var byOffset = new List<long>();
        var byKeyset = new List<long>();
        for (var page = 1; page <= 10; page++)
        {
            byOffset.AddRange((await Reader.ReadPageAsync(filter, page, 1)).Select(r => r.Seq));
        }

        long? after = null;
        do
        {
            var page = await Reader.ReadAfterAsync(filter, after, 1);
            byKeyset.AddRange(page.Items.Select(r => r.Seq));
            after = page.NextAfterSeq;
        }
        while (after is not null);

        Assert.Equal(byOffset, byKeyset);
        Assert.True(byKeyset.Count >= 4);
    }

    [Fact]
    public async Task Rows_appended_while_paging_do_not_shift_the_next_page()
    {
        var filter = new AuditFilter(Action: "reader.five");
        var first = await Reader.ReadAfterAsync(filter, null, 2);

        await new AuditLog(database.DataSource, TimeProvider.System).AppendAsync(new AuditActor("api:late"), "reader.late", "thing/late", null, null);
        var second = await Reader.ReadAfterAsync(filter with { Action = null, Resource = null }, first.NextAfterSeq, 1);

        Assert.Equal("thing/3", Assert.Single(second.Items).Resource);
    }

    [Fact]
    public async Task A_cursor_below_one_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Reader.ReadAfterAsync(new AuditFilter(), 0, 10));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Reader.ReadAfterAsync(new AuditFilter(), null, AuditReader.MaxPageSize + 1));
    }

    [Fact]
    public async Task A_page_size_over_the_maximum_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Reader.ReadPageAsync(new AuditFilter(), 1, AuditReader.MaxPageSize + 1));
    }
}
