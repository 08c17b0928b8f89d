using System.Globalization;
using System.Text.RegularExpressions;

using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using MudBlazor.Services;

using Telematics.Dashboard.Api;
using Telematics.Dashboard.Drivers;

namespace Telematics.Dashboard.Tests.Drivers;

/// <summary>The trip map's SVG, rendered to HTML without a browser.</summary>
public sealed partial class TripMapTests
{
    [Fact]
    public async Task The_markers_positions_are_svg_numbers_on_a_host_whose_culture_writes_a_decimal_comma()
    {
        var path = new TripPathData(
            1,
            [[48.85661, 2.35222], [48.85702, 2.36013], [48.86123, 2.36507]],
            [new TripPathEvent("harsh_braking", DateTimeOffset.UnixEpoch, 48.85702, 2.36013, 4.2f)]);
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("fr-FR");
        try
        {
            var html = await RenderAsync(path);

            // Start, end and one event: cx and cy each. SVG reads "312,4" as two numbers, or as none.
            var positions = Position().Matches(html).Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(6, positions.Count);
            Assert.Contains(positions, p => p.Contains('.', StringComparison.Ordinal));
            Assert.All(positions, p => Assert.Matches(@"^-?\d+(\.\d+)?$", p));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    private static async Task<string> RenderAsync(TripPathData path)
    {
        await using var services = new ServiceCollection().AddLogging().AddMudServices().BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<TripMap>(ParameterView.FromDictionary(new Dictionary<string, object?> { ["Path"] = path }));
            return output.ToHtmlString();
        });
    }

    [GeneratedRegex("\\sc[xy]=\"([^\"]*)\"")]
    private static partial Regex Position();
}
