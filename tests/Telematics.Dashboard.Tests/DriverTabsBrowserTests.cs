using Microsoft.Playwright;

using Telematics.Dashboard.Tests.Infrastructure;

namespace Telematics.Dashboard.Tests;

/// <summary>
/// The driver details' tabs on their own: a token that stops working while a tab loads sends the user to sign in, and the
/// what-if is offered only to who may price one.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DriverTabsBrowserTests(DashboardHost host)
{
    [Fact]
    public async Task A_token_that_expires_while_the_page_is_open_sends_the_user_to_sign_in_from_a_tab()
    {
        var relayed = await host.RelayedHostAsync();
        var driver = host.DriverIds[0];
        // Long enough to sign in and open the page on a loaded machine; the host allows no clock skew.
        var expires = DateTimeOffset.UtcNow.AddSeconds(20);
        await using var tab = await DashboardTab.OpenAsync(host.Browser, relayed.BaseAddress);
        await tab.SignInWithTokenAsync(relayed.MintToken("admin", expires));
        await tab.GoToAsync($"dashboard/drivers/{driver}");
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
}
