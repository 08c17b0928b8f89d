using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;

using Microsoft.Playwright;

using Telematics.Dashboard.Tests.Infrastructure;

using Xunit.Abstractions;

namespace Telematics.Dashboard.Tests;

/// <summary>
/// Every main view in light and dark mode through axe-core (Deque's engine, run in the page): no serious or critical
/// violation — contrast, names of buttons and fields, landmarks, ARIA use. Keyboard reach is checked on the sign-in form.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class AccessibilityTests(DashboardHost host, ITestOutputHelper output)
{
    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task The_main_views_have_no_serious_accessibility_violation(ColorScheme scheme)
    {
        var driver = host.DriverIds[0];
        await using var tab = await DashboardTab.OpenAsync(host, scheme);
        var failures = new List<string>();

        await tab.GoToAsync("dashboard/signin");
        await CheckAsync(tab, "sign-in", failures);
        await tab.SignInAsAdminAsync();
        await CheckAsync(tab, "overview", failures);
        await tab.GoToAsync("dashboard/drivers");
        await tab.Page.GetByTestId("drivers").WaitForAsync();
        await CheckAsync(tab, "drivers", failures);
        await tab.GoToAsync($"dashboard/drivers/{driver}");
        await tab.Page.GetByTestId("value-score").WaitForAsync();
        await CheckAsync(tab, "driver overview", failures);
        await tab.Page.GetByRole(AriaRole.Tab, new() { Name = "Risk factors" }).ClickAsync();
        await tab.Page.GetByTestId("factors").WaitForAsync();
        await CheckAsync(tab, "risk factors", failures);
        if (scheme == ColorScheme.Dark)
        {
            await tab.ScreenshotAsync("driver-risk-factors-dark");
        }

        await tab.GoToAsync("dashboard/models");
        await tab.Page.GetByTestId("default-model").WaitForAsync();
        await CheckAsync(tab, "models", failures);
        await tab.GoToAsync("dashboard/audit");
        await tab.Page.GetByTestId("audit").WaitForAsync();
        await CheckAsync(tab, "audit", failures);

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task The_sign_in_form_is_reached_and_submitted_with_the_keyboard_alone()
    {
        await using var tab = await DashboardTab.OpenAsync(host);
        await tab.GoToAsync("dashboard/signin");
        var token = await host.TokenAsync("analyst");

        // Tab until the token field has the focus, type, then Tab to its button and press Enter.
        for (var i = 0; i < 20 && await tab.Page.EvaluateAsync<string?>("() => document.activeElement?.dataset?.testid") != "token"; i++)
        {
            await tab.Page.Keyboard.PressAsync("Tab");
        }

        await tab.Page.Keyboard.TypeAsync(token);
        for (var i = 0; i < 5 && await tab.Page.EvaluateAsync<string?>("() => document.activeElement?.dataset?.testid") != "sign-in-token"; i++)
        {
            await tab.Page.Keyboard.PressAsync("Tab");
        }

        await tab.Page.Keyboard.PressAsync("Enter");
        await tab.Page.GetByTestId("card-trips").WaitForAsync();
        Assert.Equal("analyst", await tab.Page.GetByTestId("signed-in-role").InnerTextAsync());
        Assert.Empty(tab.Errors);
    }

    private async Task CheckAsync(DashboardTab tab, string view, List<string> failures)
    {
        // Let MudBlazor finish its entry transitions, or axe measures half-faded text: 500 ms, and then until no finite
        // animation runs, as a loaded CI machine may start them late (looping ones, such as a spinner, never end).
        await tab.Page.WaitForTimeoutAsync(500);
        try
        {
            await tab.Page.WaitForFunctionAsync(
                "() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity)",
                null,
                new() { Timeout = 10_000 });
        }
        catch (TimeoutException)
        {
            // Still animating after 10 s: axe judges the page as it is, as it did after the 500 ms alone.
        }
        var results = await tab.Page.RunAxe();
        foreach (var violation in results.Violations.Where(v => v.Impact is "serious" or "critical"))
        {
            var where = string.Join("; ", violation.Nodes.Take(3).Select(n => n.Target?.ToString() + " " + n.Html));
            failures.Add($"{view}: {violation.Id} ({violation.Impact}) {violation.Help} — {violation.Nodes.Length} nodes, e.g. {where}");
        }

        output.WriteLine($"{view}: {results.Violations.Length} violations ({results.Violations.Count(v => v.Impact is "serious" or "critical")} serious or critical), {results.Passes.Length} rules passed");
    }
}
