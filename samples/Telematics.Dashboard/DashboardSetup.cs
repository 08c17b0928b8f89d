using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Web;
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
        services.AddMudServices();
        services.Configure<DashboardOptions>(configuration.GetSection(DashboardOptions.Section));
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
