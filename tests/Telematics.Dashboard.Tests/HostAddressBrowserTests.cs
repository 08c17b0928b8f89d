using Microsoft.Playwright;

using Telematics.Dashboard.Tests.Infrastructure;

namespace Telematics.Dashboard.Tests;

/// <summary>
/// Where the dashboard's server side sends its API calls. Blazor gives the server the base address the browser reports
/// when the circuit starts, so the dashboard never takes it: it calls the address its host listens on (or the one
/// configured), and a failure to reach it is told in our words, not with the connection error's.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class HostAddressBrowserTests(DashboardHost host)
{
    // A name only this browser resolves (to the host's loopback): the server cannot, and must not need to.
    // A running host (TELEMATICS_DASHBOARD_URL) must list it in AllowedHosts for this test.
    private const string ForeignName = DashboardHost.ForeignHostName;

    [Fact]
    public async Task The_dashboard_works_under_a_name_the_server_itself_cannot_resolve()
    {
        await using var browser = await host.LaunchBrowserAsync($"--host-resolver-rules=MAP {ForeignName} 127.0.0.1");
        await using var tab = await DashboardTab.OpenAsync(browser, new Uri($"http://{ForeignName}:{host.BaseAddress.Port}/"));

        await tab.SignInAsAdminAsync();
        await tab.Page.GetByTestId("value-trips").WaitForAsync();

        Assert.Equal(0, await tab.Page.GetByTestId("problem").CountAsync());
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task An_API_the_dashboard_cannot_reach_is_said_so_without_the_connection_error()
    {
        var relayed = await host.RelayedHostAsync();
        await using var tab = await DashboardTab.OpenAsync(host.Browser, relayed.BaseAddress);
        await tab.SignInAsAdminAsync();

        relayed.Relay.Cut();
        try
        {
            // A reload checks the stored token with the API first: it cannot be reached.
            await tab.GoToAsync("dashboard");
            var problem = tab.Page.GetByTestId("problem");
            await Assertions.Expect(problem).ToHaveTextAsync("The API could not be reached.");
        }
        finally
        {
            relayed.Relay.Resume();
        }

        // The token was kept: once the API is back, the next page signs the tab in again.
        await tab.GoToAsync("dashboard");
        await tab.Page.GetByTestId("value-trips").WaitForAsync();
        Assert.Empty(tab.Errors);
    }
}
