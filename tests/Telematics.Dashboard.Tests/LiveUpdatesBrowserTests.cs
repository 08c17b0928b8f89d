using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

using Microsoft.Playwright;

using Telematics.Dashboard.Tests.Infrastructure;

namespace Telematics.Dashboard.Tests;

/// <summary>
/// The live hub as a tab hears it: across a change of user on the same tab (sign-out and sign-in move within the circuit,
/// without a page load), and across an outage of the hub, after which the view re-reads what it missed.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class LiveUpdatesBrowserTests(DashboardHost host)
{
    [Fact]
    public async Task After_a_driver_signs_out_an_admin_on_the_same_tab_hears_the_book_and_watches_any_driver()
    {
        var own = host.DriverIds[0];
        var admin = await host.TokenAsync("admin");
        var reference = "switch-" + Guid.NewGuid().ToString("N")[..8];
        var driver = await CreateDriverAsync(host.Http, admin, reference);
        var csv = await host.SynthesiseCsvAsync(days: 1, seed: 2);
        await using var tab = await DashboardTab.OpenAsync(host);
        await tab.SignInWithTokenAsync(await host.TokenAsync("driver", own));
        await tab.Page.GetByTestId("value-score").WaitForAsync();

        // Within the circuit: the sign-out button, then the role picker's admin.
        await tab.Page.GetByTestId("sign-out").ClickAsync();
        await tab.Page.GetByTestId("sign-in-role").ClickAsync();
        await tab.Page.GetByTestId("value-trips").WaitForAsync();
        var tripsBefore = await tab.Page.GetByTestId("value-trips").GetAttributeAsync("data-value");

        // The admin's connection is in the book: another driver's upload reaches the overview.
        await host.UploadCsvAsync(driver, csv, admin);
        await tab.Page.WaitForFunctionAsync(
            "before => Number(document.querySelector('[data-testid=value-trips]')?.dataset.value) > Number(before)", tripsBefore, new() { Timeout = 30_000 });

        // And it may watch any driver: the driver view opens (the hub would refuse a driver's connection).
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "Drivers" }).ClickAsync();
        await tab.Page.GetByTestId("driver-search").FillAsync("Live " + reference);
        await Assertions.Expect(tab.Page.GetByTestId("driver-link")).ToHaveCountAsync(1);
        await tab.Page.GetByTestId("driver-link").ClickAsync();
        await Assertions.Expect(tab.Page.GetByTestId("driver-name")).ToHaveTextAsync("Live " + reference);
        await tab.Page.GetByTestId("value-trips").WaitForAsync();
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task A_driver_view_says_its_updates_are_paused_while_the_hub_is_away_and_re_reads_what_it_missed_on_reconnect()
    {
        var relayed = await host.RelayedHostAsync();
        var admin = await relayed.TokenAsync("admin");
        var driver = await CreateDriverAsync(relayed.Http, admin, "blip-" + Guid.NewGuid().ToString("N")[..8]);
        var csv = await host.SynthesiseCsvAsync(days: 1, seed: 3);
        await using var tab = await OpenDriverAsync(relayed, driver);

        // A short outage: the connection's own reconnect (after 0, 2, 2, 2 s) brings it back.
        await OutageAsync(relayed, tab, () => UploadAsync(relayed.Http, driver, csv, admin));

        await ExpectLiveAgainWithTheUploadAsync(tab);
    }

    [Fact]
    public async Task A_driver_view_connects_again_after_the_reconnect_gave_up_and_re_reads_what_it_missed()
    {
        var relayed = await host.RelayedHostAsync();
        var admin = await relayed.TokenAsync("admin");
        var driver = await CreateDriverAsync(relayed.Http, admin, "outage-" + Guid.NewGuid().ToString("N")[..8]);
        var csv = await host.SynthesiseCsvAsync(days: 1, seed: 4);
        await using var tab = await OpenDriverAsync(relayed, driver);
        var logged = relayed.Log.Length;

        // Longer than the reconnect tries: the connection is closed, and the dashboard opens a new one once the hub is back.
        await OutageAsync(relayed, tab, async () =>
        {
            await UploadAsync(relayed.Http, driver, csv, admin);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!relayed.Log[logged..].Contains("did not come back", StringComparison.Ordinal))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the live connection was not closed: " + relayed.Log[logged..]);
                await Task.Delay(200);
            }

            await Assertions.Expect(tab.Page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "paused");
        });

        await ExpectLiveAgainWithTheUploadAsync(tab);
    }

    [Fact]
    public async Task A_token_that_expires_while_a_live_view_is_open_sends_the_user_to_sign_in_without_touching_the_page()
    {
        var relayed = await host.RelayedHostAsync();
        var (tab, expires) = await relayed.OpenWithExpiringTokenAsync(host.Browser, $"dashboard/drivers/{host.DriverIds[0]}");
        await using var _ = tab;
        await Assertions.Expect(tab.Page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live");
        Assert.True(DateTimeOffset.UtcNow < expires, "the page took longer to open than the token lives");

        // The hub closes the connection when the token expires; its reconnects are refused (401), and the view, which the
        // user does not touch, sends them to sign in instead of saying "paused" for ever.
        await tab.Page.GetByTestId("expired").WaitForAsync(new() { Timeout = (float)(expires - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30)).TotalMilliseconds });
        await tab.WaitForPathAsync("path => path.endsWith('/dashboard/signin')");
        Assert.Null(await tab.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('telematics.token')"));
        Assert.Empty(tab.Errors);
    }

    private async Task<DashboardTab> OpenDriverAsync(RelayedHost relayed, long driver)
    {
        var tab = await DashboardTab.OpenAsync(host.Browser, relayed.BaseAddress);
        await tab.SignInAsAdminAsync();
        await tab.GoToAsync($"dashboard/drivers/{driver}");
        await Assertions.Expect(tab.Page.GetByTestId("value-trips")).ToHaveTextAsync("0");
        await Assertions.Expect(tab.Page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live");
        return tab;
    }

    // Cuts the dashboard off its API and hub, runs what happens meanwhile (the hub's messages reach nobody), then brings them back.
    private static async Task OutageAsync(RelayedHost relayed, DashboardTab tab, Func<Task> meanwhile)
    {
        relayed.Relay.Cut();
        try
        {
            await Assertions.Expect(tab.Page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "paused");
            await meanwhile();
        }
        finally
        {
            relayed.Relay.Resume();
        }
    }

    private static async Task ExpectLiveAgainWithTheUploadAsync(DashboardTab tab)
    {
        // Up to 30 s each, as every other wait here: a reconnect and a re-read on a loaded CI machine.
        await Assertions.Expect(tab.Page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 30_000 });
        await Assertions.Expect(tab.Page.GetByTestId("value-trips")).Not.ToHaveTextAsync("0", new() { Timeout = 30_000 });
        Assert.Empty(tab.Errors);
    }

    private static async Task UploadAsync(HttpClient http, long driverId, string csv, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/telematics/events?driverId={driverId}")
        {
            Content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"upload: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    internal static async Task<long> CreateDriverAsync(HttpClient http, string token, string reference)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/drivers")
        {
            Content = JsonContent.Create(new { externalRef = reference, displayName = "Live " + reference }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("driverId").GetInt64();
    }
}
