using System.Globalization;
using System.Text;
using System.Text.Json;

using Microsoft.Playwright;

using Telematics.Dashboard.Tests.Infrastructure;

namespace Telematics.Dashboard.Tests;

/// <summary>
/// The driver details' tabs on their own: a token that stops working while a tab loads sends the user to sign in, the
/// what-if is offered only to who may price one, and the trips' pager offers a next page only when there is one.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DriverTabsBrowserTests(DashboardHost host)
{
    [Fact]
    public async Task A_token_that_expires_while_the_page_is_open_sends_the_user_to_sign_in_from_a_tab()
    {
        var relayed = await host.RelayedHostAsync();
        var (tab, expires) = await relayed.OpenWithExpiringTokenAsync(host.Browser, $"dashboard/drivers/{host.DriverIds[0]}");
        await using var _ = tab;
        await tab.Page.GetByTestId("value-score").WaitForAsync();
        Assert.True(DateTimeOffset.UtcNow < expires, "the page took longer to open than the token lives");

        await Task.Delay(expires - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
        await tab.Page.GetByRole(AriaRole.Tab, new() { Name = "Trips" }).ClickAsync();

        await tab.Page.GetByTestId("expired").WaitForAsync();
        await tab.WaitForPathAsync("path => path.endsWith('/dashboard/signin')");
        Assert.Null(await tab.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('telematics.token')"));
        Assert.Empty(tab.Errors);
    }

    [Theory]
    [InlineData("analyst")]
    [InlineData("driver")]
    public async Task The_what_if_is_not_offered_to_a_role_the_API_would_refuse(string role)
    {
        var driver = host.DriverIds[1];
        await using var tab = await DashboardTab.OpenAsync(host);
        await tab.SignInWithTokenAsync(await host.TokenAsync(role, role == "driver" ? driver : null));
        await tab.GoToAsync($"dashboard/drivers/{driver}");
        await tab.Page.GetByRole(AriaRole.Tab, new() { Name = "Policy" }).ClickAsync();
        await tab.Page.GetByTestId("premium-steps").First.WaitForAsync();

        Assert.Equal(0, await tab.Page.GetByTestId("what-if").CountAsync());
        Assert.Equal(0, await tab.Page.GetByTestId("simulate").CountAsync());
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task A_driver_with_exactly_one_page_of_trips_is_offered_no_next_page()
    {
        var admin = await host.TokenAsync("admin");
        var driver = await LiveUpdatesBrowserTests.CreateDriverAsync(host.Http, admin, "pager-" + Guid.NewGuid().ToString("N")[..8]);
        await host.UploadCsvAsync(driver, TwentyTrips(await host.SynthesiseCsvAsync(days: 2, seed: 1)), admin);
        var trips = await host.GetJsonAsync($"api/v1/drivers/{driver}/trips?pageSize=100", admin);
        Assert.Equal(20, trips.GetProperty("items").GetArrayLength());

        await using var tab = await DashboardTab.OpenAsync(host);
        await tab.SignInAsAdminAsync();
        await tab.GoToAsync($"dashboard/drivers/{driver}");
        await tab.Page.GetByRole(AriaRole.Tab, new() { Name = "Trips" }).ClickAsync();
        await Assertions.Expect(tab.Page.GetByTestId("trip-row")).ToHaveCountAsync(20);

        // One page: no pager at all (a next page would be empty, and used to strand the user on "No trips").
        Assert.Equal(0, await tab.Page.GetByTestId("trips-pager").CountAsync());
        Assert.Equal(0, await tab.Page.GetByLabel("Next page").CountAsync());
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task A_driver_whose_upload_has_no_speed_limits_or_phone_columns_shows_the_overview_and_the_risk_factors()
    {
        var admin = await host.TokenAsync("admin");
        var driver = await LiveUpdatesBrowserTests.CreateDriverAsync(host.Http, admin, "nolimits-" + Guid.NewGuid().ToString("N")[..8]);
        var csv = WithoutColumns(await host.SynthesiseCsvAsync(days: 2, seed: 5), "speed_limit_mps", "phone_handheld", "phone_interaction");
        await host.UploadCsvAsync(driver, csv, admin);
        await host.PostJsonAsync($"api/v1/risk/{driver}/recalculate?periodDays=30", new { }, admin);
        var factors = (await host.GetJsonAsync($"api/v1/risk/{driver}/breakdown", admin)).GetProperty("factors").EnumerateArray()
            .ToDictionary(f => f.GetProperty("feature").GetString()!, f => f.GetProperty("value"));
        // The API's side: a feature that cannot be measured without those columns is sent as "value": null.
        var missing = factors.Where(f => f.Value.ValueKind == JsonValueKind.Null).Select(f => f.Key).ToList();
        Assert.True(missing.Count > 0, "no factor without a value: " + string.Join(", ", factors.Keys));
        var shown = missing.Contains("speeding_share") ? "speeding_share" : missing[0];
        var phone = factors.TryGetValue("phone_minutes_per_hour", out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble().ToString("N2", CultureInfo.InvariantCulture) + " min/h"
            : "—";

        await using var tab = await DashboardTab.OpenAsync(host);
        await tab.SignInAsAdminAsync();
        await tab.GoToAsync($"dashboard/drivers/{driver}");
        await tab.Page.GetByTestId("value-score").WaitForAsync();
        await Assertions.Expect(tab.Page.GetByTestId("value-phone")).ToHaveTextAsync(phone);
        await tab.Page.GetByRole(AriaRole.Tab, new() { Name = "Risk factors" }).ClickAsync();
        var factor = tab.Page.Locator($"[data-testid=factor][data-feature={shown}]");
        await factor.WaitForAsync();

        Assert.Contains("This driver: — ", await factor.GetAttributeAsync("aria-label") ?? string.Empty, StringComparison.Ordinal);
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task The_tips_of_a_driver_without_a_score_say_there_is_no_score_yet()
    {
        var admin = await host.TokenAsync("admin");
        var driver = await LiveUpdatesBrowserTests.CreateDriverAsync(host.Http, admin, "untipped-" + Guid.NewGuid().ToString("N")[..8]);
        await using var tab = await DashboardTab.OpenAsync(host);
        await tab.SignInAsAdminAsync();
        await tab.GoToAsync($"dashboard/drivers/{driver}");
        await tab.Page.GetByRole(AriaRole.Tab, new() { Name = "Tips" }).ClickAsync();

        // No score is not "nothing stands out": there is nothing to read tips from yet, as the other tabs say.
        await Assertions.Expect(tab.Page.GetByTestId("no-tips")).ToContainTextAsync("No score yet");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task The_what_if_starts_from_the_drivers_current_cell_not_the_one_the_premium_was_priced_in()
    {
        var admin = await host.TokenAsync("admin");
        var reference = "recelled-" + Guid.NewGuid().ToString("N")[..8];
        var driver = (await host.PostJsonAsync("api/v1/drivers", new { externalRef = reference, displayName = "Recelled " + reference, ageBand = "40_64", vehicleClass = "family" }, admin))
            .GetProperty("driverId").GetInt64();
        await host.UploadCsvAsync(driver, await host.SynthesiseCsvAsync(days: 2, seed: 6), admin);
        await host.PostJsonAsync($"api/v1/risk/{driver}/recalculate?periodDays=30", new { }, admin);
        // The record changes after the premium was priced: the premium keeps the old cell, the driver has the new one.
        using (var patch = new HttpRequestMessage(HttpMethod.Patch, $"api/v1/drivers/{driver}") { Content = System.Net.Http.Json.JsonContent.Create(new { ageBand = "under25" }) })
        {
            patch.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", admin);
            using var patched = await host.Http.SendAsync(patch);
            Assert.True(patched.IsSuccessStatusCode, await patched.Content.ReadAsStringAsync());
        }

        var premium = (await host.GetJsonAsync($"api/v1/pricing/{driver}/breakdown", admin)).GetProperty("breakdown");
        Assert.Equal("40_64", premium.GetProperty("age_band").GetString());
        // No cell in the request: the API prices the driver's own, current one.
        var current = await host.PostJsonAsync($"api/v1/pricing/{driver}/simulate", new { annualKm = premium.GetProperty("annual_km").GetDouble() }, admin);

        await using var tab = await DashboardTab.OpenAsync(host);
        await tab.SignInAsAdminAsync();
        await tab.GoToAsync($"dashboard/drivers/{driver}");
        await tab.Page.GetByRole(AriaRole.Tab, new() { Name = "Policy" }).ClickAsync();
        await tab.Page.GetByTestId("simulate").WaitForAsync();
        Assert.Equal("40_64", await tab.Page.GetByTestId("priced-age-band").GetAttributeAsync("data-code"));
        await Assertions.Expect(tab.Page.GetByTestId("what-if-age-band")).ToContainTextAsync("under 25");
        await Assertions.Expect(tab.Page.GetByTestId("what-if-cell-note")).ToContainTextAsync("current record");
        await tab.Page.GetByTestId("simulate").ClickAsync();

        await Assertions.Expect(tab.Page.GetByTestId("simulated-premium")).ToHaveTextAsync(
            $"{current.GetProperty("premium").GetDecimal().ToString("N2", CultureInfo.InvariantCulture)} {current.GetProperty("currency").GetString()}");
        Assert.Empty(tab.Errors);
    }

    // The CSV without the named columns, as a source that records no speed limits or phone use sends it.
    private static string WithoutColumns(string csv, params string[] names)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines[0].Split(',');
        var keep = Enumerable.Range(0, header.Length).Where(i => !names.Contains(header[i], StringComparer.Ordinal)).ToArray();
        Assert.True(keep.Length == header.Length - names.Length, "the simulated file lacks a column to drop: " + lines[0]);
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            var fields = line.Split(',');
            text.AppendJoin(',', keep.Select(i => fields[i])).Append('\n');
        }

        return text.ToString();
    }

    // One simulated trip driven twenty times, 40 minutes apart, two days ago: exactly twenty trips in the last 30 days.
    private static string TwentyTrips(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines[0].Split(',');
        var time = Array.IndexOf(header, "timestamp");
        var eventId = Array.IndexOf(header, "event_id");
        Assert.True(time >= 0, "no timestamp column: " + lines[0]);

        // The simulated day cut into trips where the samples stop for five minutes or more (the host's rule too).
        // The simulator writes Unix milliseconds.
        var rows = lines.Skip(1).Select(l => l.Split(',')).Select(f => (At: DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(f[time], CultureInfo.InvariantCulture)), Fields: f)).ToList();
        var trips = new List<List<(DateTimeOffset At, string[] Fields)>> { new() };
        for (var i = 0; i < rows.Count; i++)
        {
            if (i > 0 && rows[i].At - rows[i - 1].At >= TimeSpan.FromMinutes(5))
            {
                trips.Add([]);
            }

            trips[^1].Add(rows[i]);
        }

        var trip = trips.Where(t => t[^1].At - t[0].At is { TotalMinutes: > 5 and < 30 }).MaxBy(t => t.Count)
            ?? throw new InvalidOperationException("The simulated day has no trip of 5 to 30 minutes.");
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-2), TimeSpan.Zero);
        var text = new StringBuilder(lines[0]).Append('\n');
        var id = 0;
        for (var copy = 0; copy < 20; copy++)
        {
            foreach (var (at, fields) in trip)
            {
                var row = (string[])fields.Clone();
                row[time] = (start + TimeSpan.FromMinutes(40 * copy) + (at - trip[0].At)).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                if (eventId >= 0)
                {
                    row[eventId] = (++id).ToString(CultureInfo.InvariantCulture);
                }

                text.AppendJoin(',', row).Append('\n');
            }
        }

        return text.ToString();
    }
}
