using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Dashboard;
using Telematics.Storage.Postgres.Experiments;
using Telematics.Storage.Postgres.Premiums;
using Telematics.Storage.Postgres.Scores;
using Telematics.Storage.Postgres.Scoring;
using Telematics.Storage.Postgres.Tests.Dashboard;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Scores;

/// <summary>
/// Two scores (premiums) of one driver at the same instant: every read takes the one stored last as the latest, so the
/// API, the dashboards, the experiment metrics and the audit's before state never disagree on it.
/// </summary>
public sealed class SameInstantTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2024, 7, 15, 9, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset From = new(2024, 7, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2024, 8, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly BookData _book = new(database);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_score_stored_last_is_the_latest_for_every_read()
    {
        var driver = await _book.DriverAsync("same-instant-score");
        await _book.ScoreAsync(driver, At, 15, experiment: "same-instant", variant: "A");
        await _book.ScoreAsync(driver, At, 65, experiment: "same-instant", variant: "B");
        await _book.ScoreAsync(driver, At, 45, experiment: "same-instant", variant: "B");

        Assert.Equal(45, (await new ScoreRepository(database.DataSource, TimeProvider.System).HistoryAsync(driver, limit: 1)).Single().Score);
        Assert.Equal(45, (await new StoredScoreReader(database.DataSource).LatestAsync(driver))!.Record.Score);
        Assert.Equal(45, (await ListedAsync(driver)).Score);
        var summary = await new DashboardQueries(database.DataSource).ReadSummaryAsync(From, To);
        Assert.Equal((1L, 45.0), (summary.ScoredDrivers, summary.MeanScore!.Value));
        var variants = await new ExperimentMetricsQuery(database.DataSource).ReadAsync("same-instant", From, To);
        Assert.Equal(("B", 45.0), (variants.Single().Variant, variants.Single().MeanScore));
    }

    [Fact]
    public async Task The_premium_stored_last_is_the_current_one_and_the_next_change_records_it_as_before()
    {
        var driver = await _book.DriverAsync("same-instant-premium");
        await _book.PremiumAsync(driver, At, "EUR", 500m);
        await _book.PremiumAsync(driver, At, "EUR", 900m);
        await _book.PremiumAsync(driver, At, "EUR", 450m);

        Assert.Equal(450m, (await new PremiumRepository(database.DataSource, TimeProvider.System).HistoryAsync(driver, limit: 1)).Single().FinalAmount);
        Assert.Equal(450m, (await new StoredScoreReader(database.DataSource).PremiumsAsync(driver, 1, 1)).Single().FinalAmount);
        Assert.Equal(450m, (await ListedAsync(driver)).Premium);
        var summary = await new DashboardQueries(database.DataSource).ReadSummaryAsync(From, To);
        Assert.Equal(450m, summary.Premiums.Single().Total);

        // Each change's before state is the premium current when it was written.
        Assert.Equal(
            ["500.00", "900.00"],
            (await StringsAsync($"SELECT before->>'final_amount' FROM audit_log WHERE action = 'premium.change' AND resource = 'driver/{driver}/premium' AND before IS NOT NULL ORDER BY seq"))
                .Select(amount => decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    private async Task<BookDriver> ListedAsync(long driverId)
    {
        var page = await new DashboardQueries(database.DataSource).ListDriversAsync(new BookDriverQuery("same-instant", BookDriverSort.Id, false, 1, 50));
        return page.Items.Single(d => d.DriverId == driverId);
    }

    private async Task<List<string>> StringsAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
