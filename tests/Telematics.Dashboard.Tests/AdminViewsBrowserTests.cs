using Telematics.Dashboard.Tests.Infrastructure;

namespace Telematics.Dashboard.Tests;

/// <summary>The admin views in headless Chromium: models and experiments as the API lists them, the audit log with its
/// filters and chain verification, the partitions; an analyst reads models but not the audit log.</summary>
[Collection(DashboardCollection.Name)]
public sealed class AdminViewsBrowserTests(DashboardHost host)
{
    [Fact]
    public async Task An_admin_sees_every_served_model_and_an_experiment_with_its_variants()
    {
        var admin = await host.TokenAsync("admin");
        var catalog = await host.GetJsonAsync("api/v1/models", admin);
        var model = catalog.GetProperty("defaultModel").GetString()!;
        await PutExperimentAsync(admin, "dash-exp", model);

        await using var tab = await DashboardTab.OpenAsync(host);
        await tab.SignInAsAdminAsync();
        await tab.GoToAsync("dashboard/models");
        await tab.Page.GetByTestId("default-model").WaitForAsync();

        Assert.Equal(model, await tab.Page.GetByTestId("default-model").InnerTextAsync());
        Assert.Equal(catalog.GetProperty("models").GetArrayLength(), await tab.Page.GetByTestId("model").CountAsync());
        await tab.Page.GetByTestId("experiments").GetByText("dash-exp").ClickAsync();
        var rows = tab.Page.GetByTestId("variants").Locator("tbody tr");
        await Microsoft.Playwright.Assertions.Expect(rows).ToHaveCountAsync(2);
        Assert.Contains("(shadow)", await rows.Nth(1).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("100 %", await rows.Nth(0).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(tab.Errors);
        await tab.ScreenshotAsync("models-light");
    }

    [Fact]
    public async Task An_admin_verifies_the_audit_chain_filters_the_log_and_counts_the_partitions()
    {
        var admin = await host.TokenAsync("admin");
        var partitions = await host.GetJsonAsync("api/v1/admin/partitions", admin);
        await using var tab = await DashboardTab.OpenAsync(host);
        await tab.SignInAsAdminAsync();
        await tab.GoToAsync("dashboard/audit");
        await tab.Page.GetByTestId("audit").WaitForAsync();

        await tab.Page.GetByTestId("verify").ClickAsync();
        await tab.Page.GetByTestId("verdict").WaitForAsync();
        Assert.Equal("true", await tab.Page.GetByTestId("verdict").GetAttributeAsync("data-intact"));

        await tab.Page.GetByTestId("filter-action").FillAsync("driver.create");
        await tab.Page.GetByTestId("apply-filter").ClickAsync();
        await tab.Page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('[data-testid=audit-action]')].length > 0 && [...document.querySelectorAll('[data-testid=audit-action]')].every(c => c.textContent.trim() === 'driver.create')");

        await tab.Page.GetByTestId("load-partitions").ClickAsync();
        await tab.Page.GetByTestId("partitions").WaitForAsync();
        Assert.Equal(partitions.GetArrayLength(), await tab.Page.GetByTestId("partitions").Locator("tbody tr").CountAsync());
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task The_audit_rows_of_an_erased_driver_show_as_redacted_not_as_rows_without_content()
    {
        var admin = await host.TokenAsync("admin");
        var driver = await LiveUpdatesBrowserTests.CreateDriverAsync(host.Http, admin, "erased-" + Guid.NewGuid().ToString("N")[..8]);
        using (var erase = new HttpRequestMessage(HttpMethod.Delete, $"api/v1/drivers/{driver}"))
        {
            erase.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", admin);
            using var erased = await host.Http.SendAsync(erase);
            Assert.True(erased.IsSuccessStatusCode, await erased.Content.ReadAsStringAsync());
        }

        await using var tab = await DashboardTab.OpenAsync(host);
        await tab.SignInAsAdminAsync();
        await tab.GoToAsync("dashboard/audit");
        await tab.Page.GetByTestId("audit").WaitForAsync();
        await tab.Page.GetByTestId("filter-resource").FillAsync($"driver/{driver}");
        await tab.Page.GetByTestId("apply-filter").ClickAsync();

        // The create row lost its content to the erasure and says so.
        var create = tab.Page.GetByTestId("audit").Locator("tbody tr").Filter(new() { HasText = "driver.create" });
        await Microsoft.Playwright.Assertions.Expect(create.GetByTestId("audit-redacted")).ToHaveCountAsync(1);
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task An_analyst_reads_the_models_without_promoting_and_is_refused_the_audit_log()
    {
        await using var tab = await DashboardTab.OpenAsync(host);
        await tab.SignInWithTokenAsync(await host.TokenAsync("analyst"));
        await tab.GoToAsync("dashboard/models");
        await tab.Page.GetByTestId("default-model").WaitForAsync();
        Assert.Equal(0, await tab.Page.GetByTestId("promote").CountAsync());

        await tab.GoToAsync("dashboard/audit");
        await tab.Page.GetByTestId("forbidden").WaitForAsync();
        Assert.Equal(0, await tab.Page.GetByTestId("audit").CountAsync());
        Assert.Empty(tab.Errors);
    }

    private Task PutExperimentAsync(string token, string name, string model) => host.PutExperimentAsync(name, $$"""
        {"name": "{{name}}", "salt": "s-{{name}}", "variants": [
          {"name": "control", "model": "{{model}}", "weight_bp": 10000},
          {"name": "challenger", "model": "{{model}}", "shadow": true}]}
        """, token);
}
