using System.Globalization;

using Microsoft.Playwright;

using Telematics.Dashboard.Tests.Infrastructure;

namespace Telematics.Dashboard.Tests;

/// <summary>
/// The trend tab's score history shows the days each score's driver was observed, which pricing credits: for a driver
/// who began yesterday, a day or two of a 30-day recalculation, as the API's history has it.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ScoreHistoryBrowserTests(DashboardHost host)
{
    [Fact]
    public async Task A_new_drivers_score_shows_the_days_since_its_first_trip_not_the_period()
    {
        var admin = await host.TokenAsync("admin");
        var reference = "observed-" + Guid.NewGuid().ToString("N")[..8];
        var driver = (await host.PostJsonAsync("api/v1/drivers", new { externalRef = reference, displayName = "Observed " + reference }, admin))
            .GetProperty("driverId").GetInt64();
        await host.UploadCsvAsync(driver, await host.SynthesiseCsvAsync(days: 1, seed: 3), admin);
        var observed = (await host.PostJsonAsync($"api/v1/risk/{driver}/recalculate?periodDays=30", new { }, admin))
            .GetProperty("score").GetProperty("observedDays").GetDouble();
        var history = await host.GetJsonAsync($"api/v1/risk/{driver}/history?page=1&pageSize=24", admin);
        await using var tab = await DashboardTab.OpenAsync(host);
        await tab.SignInAsAdminAsync();

        await tab.GoToAsync($"dashboard/drivers/{driver}");
        await tab.Page.GetByRole(AriaRole.Tab, new() { Name = "Trend" }).ClickAsync();

        // The synthesised day is yesterday: observed from its midnight, so between one and two days.
        Assert.InRange(observed, 1, 2);
        Assert.Equal(observed, history.GetProperty("items")[0].GetProperty("observedDays").GetDouble());
        await Assertions.Expect(tab.Page.GetByTestId("observed-days").First)
            .ToHaveTextAsync(observed.ToString("0.#", CultureInfo.InvariantCulture) + " days");
        // One month scored: its figure in words, no chart of a single point.
        var month = history.GetProperty("items")[0].GetProperty("scoredAt").GetDateTimeOffset().UtcDateTime.ToString("MMMM yyyy", CultureInfo.InvariantCulture);
        await Assertions.Expect(tab.Page.GetByTestId("trend-one-month")).ToContainTextAsync($"{month}: mean score ");
        Assert.Equal(0, await tab.Page.GetByTestId("trend").CountAsync());
        Assert.Empty(tab.Errors);
        await tab.ScreenshotAsync("driver-trend-light");
    }
}
