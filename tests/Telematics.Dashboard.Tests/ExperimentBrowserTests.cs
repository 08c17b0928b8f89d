using System.Globalization;
using System.Text.Json;

using Microsoft.Playwright;

using Telematics.Dashboard.Tests.Infrastructure;

using Xunit.Abstractions;

namespace Telematics.Dashboard.Tests;

/// <summary>
/// The experiments view's shadow figures in headless Chromium. The host stores no shadow scores (it serves no experiment
/// by configuration), so the test scores drivers of its own in an experiment with the CLI's <c>batch-score --experiment</c>
/// on the host's database, and compares the page with what the metrics endpoint answers.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ExperimentBrowserTests(DashboardHost host, ITestOutputHelper output)
{
    [Fact]
    public async Task An_admin_sees_each_shadow_variants_settled_disagreement_share_as_the_metrics_endpoint_answers_it()
    {
        var admin = await host.TokenAsync("admin");
        var model = (await host.GetJsonAsync("api/v1/models", admin)).GetProperty("defaultModel").GetString()!;
        // Distinct from the other tests' experiment names, which the view's chips are found by.
        var name = "settled-" + Guid.NewGuid().ToString("N")[..8];
        // A shadow of the served model carries intervals like it (a share, which the same scores make 0 %); the rules model
        // records no sampling noise, so its share is null.
        var definition = $$"""
            {"name": "{{name}}", "salt": "s-{{name}}", "variants": [
              {"name": "control", "model": "{{model}}", "weight_bp": 10000},
              {"name": "same-model", "model": "{{model}}", "shadow": true},
              {"name": "rules", "model": "builtin-rules@1", "shadow": true}]}
            """;
        await host.PutExperimentAsync(name, definition, admin);

        // Drivers of this test's own: a batch score becomes a driver's latest score, which other tests read for the seeded ones.
        var drivers = new List<long>();
        foreach (var seed in new[] { 31, 32 })
        {
            var driver = (await host.PostJsonAsync(
                "api/v1/drivers", new { externalRef = $"{name}-{seed}", displayName = $"Shadow {name} {seed}", ageBand = "25_39", vehicleClass = "family" }, admin))
                .GetProperty("driverId").GetInt64();
            await host.UploadCsvAsync(driver, await host.SynthesiseCsvAsync(days: 14, seed: seed), admin);
            drivers.Add(driver);
        }

        await BatchScoreAsync(definition, name, drivers);

        var metrics = (await host.GetJsonAsync($"api/v1/experiments/{name}/metrics", admin)).GetProperty("shadows");
        output.WriteLine("shadows: " + metrics.GetRawText());
        var shadows = metrics.EnumerateArray().ToDictionary(s => s.GetProperty("variant").GetString()!, s => s.GetProperty("settledDisagreementShare"));
        // Both ways the cell renders: a share, and none.
        Assert.Equal(JsonValueKind.Number, shadows["same-model"].ValueKind);
        Assert.Equal(JsonValueKind.Null, shadows["rules"].ValueKind);

        await using var tab = await DashboardTab.OpenAsync(host);
        await tab.SignInAsAdminAsync();
        await tab.GoToAsync("dashboard/models");
        await tab.Page.GetByTestId("experiments").GetByText(name, new() { Exact = true }).ClickAsync();
        var rows = tab.Page.GetByTestId("variants").Locator("tbody tr");
        foreach (var (variant, share) in shadows)
        {
            var row = rows.Filter(new() { HasText = variant + " (shadow)" });
            await Assertions.Expect(row.GetByTestId("settled-disagreement")).ToHaveTextAsync(Share(share));
        }

        Assert.Empty(tab.Errors);
    }

    // As the view writes a share: a whole percentage, or a dash for a shadow without one.
    private static string Share(JsonElement share) =>
        share.ValueKind == JsonValueKind.Null ? "—" : share.GetDouble().ToString("P0", CultureInfo.InvariantCulture);

    // The same definition through the CLI, under a run id of its own so that it is not the seed run.
    private async Task BatchScoreAsync(string definition, string name, IReadOnlyList<long> drivers)
    {
        var file = Path.Combine(Path.GetTempPath(), name + ".json");
        await File.WriteAllTextAsync(file, definition);
        try
        {
            await host.RunCliOnDatabaseAsync(
                "batch-score", "--drivers", string.Join(',', drivers), "--shipped-model", "--experiment", file, "--run-id", "browser-" + name);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
