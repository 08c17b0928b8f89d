using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

using MudBlazor.Services;

using Telematics.Dashboard.Api;
using Telematics.Dashboard.Live;
using Telematics.Dashboard.Session;

namespace Telematics.Dashboard;

/// <summary>Adds the dashboard to a host: its services, and its pages under <c>/dashboard</c>.</summary>
public static class DashboardSetup
{
    /// <summary>Registers Blazor's server-side components, MudBlazor and the dashboard's per-tab services.</summary>
    public static IServiceCollection AddTelematicsDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();

        // Blazor's and MudBlazor's script and stylesheet go out compressed (≈ 0.9 MB raw, ≈ 140 kB with gzip). Only these
        // static types: a response that mixes a secret with caller input must not be compressed (BREACH), and the API's are
        // never on this list.
        services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.MimeTypes = ["text/css", "text/javascript", "application/javascript", "image/svg+xml"];
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        });
        services.Configure<BrotliCompressionProviderOptions>(options => options.Level = System.IO.Compression.CompressionLevel.Optimal);
        services.Configure<GzipCompressionProviderOptions>(options => options.Level = System.IO.Compression.CompressionLevel.Optimal);
        services.AddMudServices();
        services.Configure<DashboardOptions>(configuration.GetSection(DashboardOptions.Section));
        services.AddSingleton<DashboardHostAddress>();
        services.AddHttpClient(DashboardApi.ClientName);
        services.AddScoped<DashboardSession>();
        services.AddScoped<DashboardApi>();
        services.AddScoped<LiveUpdates>();
        return services;
    }

    /// <summary>
    /// Maps the pages and Blazor's circuit hub. They are open to anonymous callers: the page shell holds no data, and every
    /// figure is fetched through <c>/api/v1</c> with the token the user signed in with, which the API authorises.
    /// </summary>
    public static RazorComponentsEndpointConventionBuilder MapTelematicsDashboard(this IEndpointRouteBuilder endpoints)
    {
        return endpoints.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .AllowAnonymous();
    }
}
