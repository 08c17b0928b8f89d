using System.Globalization;
using System.Text.Json;

using Microsoft.Playwright;

using Telematics.Dashboard.Tests.Infrastructure;

using Xunit.Abstractions;

namespace Telematics.Dashboard.Tests;

/// <summary>
/// The 90 % interval of a score beyond the trend tab: under the score on a driver's overview, a provisional mark in the
/// drivers list, and with a score the live hub tells. The seeded book is scored with the shipped model, which records
/// sampling noise, so its scores carry intervals; each test compares the page with what the API answers.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ScoreIntervalBrowserTests(DashboardHost host, ITestOutputHelper output)
{
    [Fact]
    public async Task The_overview_card_shows_the_latest_scores_interval_and_marks_an_unsettled_category_provisional()
    {
        var admin = await host.TokenAsync("admin");
        await using var tab = await DashboardTab.OpenAsync(host);
        await tab.SignInAsAdminAsync();
        var seen = (Settled: 0, Provisional: 0);
        foreach (var driver in host.DriverIds)
        {
            var interval = (await host.GetJsonAsync($"api/v1/drivers/{driver}/summary", admin)).GetProperty("latestScore").GetProperty("interval");
            Assert.Equal(JsonValueKind.Object, interval.ValueKind);
            await tab.GoToAsync($"dashboard/drivers/{driver}");
            var card = tab.Page.GetByTestId("card-score");
            await card.GetByTestId("value-score").WaitForAsync();

            await Assertions.Expect(card.GetByTestId("score-interval")).ToHaveTextAsync("90 % interval " + Range(interval));
            await ExpectProvisionalAsync(card.GetByTestId("provisional"), interval);
            seen = interval.GetProperty("settled").GetBoolean() ? (seen.Settled + 1, seen.Provisional) : (seen.Settled, seen.Provisional + 1);
        }

        output.WriteLine($"seeded drivers: {seen.Settled} settled, {seen.Provisional} provisional");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task The_drivers_list_marks_each_unsettled_latest_score_provisional_as_the_API_lists_it()
    {
        var admin = await host.TokenAsync("admin");
        var items = (await host.GetJsonAsync("api/v1/admin/dashboard/drivers?sort=id&order=asc&page=1&pageSize=20", admin)).GetProperty("items")
            .EnumerateArray().ToArray();
        await using var tab = await DashboardTab.OpenAsync(host);
        await tab.SignInAsAdminAsync();
        await tab.GoToAsync("dashboard/drivers");
        var rows = tab.Page.GetByTestId("drivers").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(items.Length);

        // Row by row in the same order: a mark exactly where the latest score's interval spans bands, none without one.
        Assert.Contains(items, i => i.GetProperty("interval").ValueKind == JsonValueKind.Object);
        for (var i = 0; i < items.Length; i++)
        {
            var row = rows.Nth(i);
            await Assertions.Expect(row.GetByTestId("driver-link")).ToHaveTextAsync(items[i].GetProperty("displayName").GetString()!);
            var interval = items[i].GetProperty("interval");
            if (interval.ValueKind == JsonValueKind.Null)
            {
                Assert.Equal(0, await row.GetByTestId("driver-provisional").CountAsync());
            }
            else
            {
                await ExpectProvisionalAsync(row.GetByTestId("driver-provisional"), interval);
            }
        }

        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task A_score_told_by_the_live_hub_shows_its_interval_and_whether_its_category_is_settled()
    {
        var driver = host.DriverIds[2];
        var admin = await host.TokenAsync("admin");
        await using var tab = await DashboardTab.OpenAsync(host);
        await tab.SignInAsAdminAsync();
        await tab.GoToAsync($"dashboard/drivers/{driver}");
        await tab.Page.GetByTestId("value-score").WaitForAsync();
        Assert.Equal(0, await tab.Page.GetByTestId("live-score").CountAsync());

        var recalculated = await host.PostJsonAsync($"api/v1/risk/{driver}/recalculate?periodDays=30", new { }, admin);
        var score = recalculated.GetProperty("score");
        var interval = score.GetProperty("interval");

        // Without reload: the hub's message is shown as told, and the overview card reloads to the same interval.
        // Up to 15 s: a loaded CI machine can take longer than 2 s, and without the hub's message no wait would do.
        var live = tab.Page.GetByTestId("live-score");
        await Assertions.Expect(live).ToContainTextAsync(score.GetProperty("score").GetDouble().ToString("N1", CultureInfo.InvariantCulture), new() { Timeout = 15_000 });
        await Assertions.Expect(live.GetByTestId("live-score-interval")).ToHaveTextAsync("· 90 % interval " + Range(interval));
        var settled = interval.GetProperty("settled").GetBoolean();
        await Assertions.Expect(live.GetByTestId("live-score-settled")).ToHaveCountAsync(settled ? 1 : 0);
        await Assertions.Expect(live.GetByTestId("live-score-provisional")).ToHaveCountAsync(settled ? 0 : 1);
        if (!settled)
        {
            // The tooltip names the categories the driver may move to, as the response's interval has them.
            var title = await live.GetByTestId("live-score-provisional").GetAttributeAsync("title");
            static string Label(JsonElement category) => category.GetString()!.Replace('_', ' ');
            Assert.Equal($"may become {Label(interval.GetProperty("lowCategory"))} to {Label(interval.GetProperty("highCategory"))} with more driving", title);
        }

        await Assertions.Expect(tab.Page.GetByTestId("card-score").GetByTestId("score-interval")).ToHaveTextAsync("90 % interval " + Range(interval));
        Assert.Empty(tab.Errors);
    }

    // The ends as the dashboard writes them: whole points.
    private static string Range(JsonElement interval) => string.Create(
        CultureInfo.InvariantCulture, $"{interval.GetProperty("low").GetDouble():F0}–{interval.GetProperty("high").GetDouble():F0}");

    // "provisional" with the categories it may move to when the interval spans bands; nothing when it is settled.
    private static async Task ExpectProvisionalAsync(ILocator mark, JsonElement interval)
    {
        if (interval.GetProperty("settled").GetBoolean())
        {
            await Assertions.Expect(mark).ToHaveCountAsync(0);
            return;
        }

        await Assertions.Expect(mark).ToHaveTextAsync("provisional");
        var (low, high) = (Label(interval.GetProperty("lowCategory")), Label(interval.GetProperty("highCategory")));
        await Assertions.Expect(mark).ToHaveAttributeAsync("title", $"may become {low} to {high} with more driving");
    }

    private static string Label(JsonElement category) => category.GetString()!.Replace('_', ' ');
}
