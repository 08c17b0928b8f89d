using System.Net;

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
    public async Task A_page_size_over_the_maximum_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Reader.ReadPageAsync(new AuditFilter(), 1, AuditReader.MaxPageSize + 1));
    }
}
