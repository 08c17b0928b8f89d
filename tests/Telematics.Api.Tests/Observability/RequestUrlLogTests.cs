using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.Observability;

/// <summary>
/// ASP.NET Core's request-start log holds the query string, and the live hub's <c>?access_token=</c> with it: its category
/// stays at Warning even when the configuration turns Microsoft.AspNetCore up, for all providers or for one.
/// </summary>
public sealed class RequestUrlLogTests
{
    private const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    [Fact]
    public async Task The_request_log_category_is_held_at_warning_whatever_the_configuration_says()
    {
        await using var host = new ApiHost()
            .With("Logging:LogLevel:Default", "Trace")
            .With("Logging:LogLevel:Microsoft.AspNetCore", "Information")
            .With("Logging:LogLevel:" + HostingDiagnostics, "Trace")
            .With("Logging:Console:LogLevel:" + HostingDiagnostics, "Debug")
            .With("Logging:Debug:LogLevel:Microsoft.AspNetCore.Hosting", "Information");
        using var client = host.ClientAs(null);
        var loggers = host.Services.GetRequiredService<ILoggerFactory>();

        var hosting = loggers.CreateLogger(HostingDiagnostics);
        var routing = loggers.CreateLogger("Microsoft.AspNetCore.Routing.EndpointMiddleware");

        Assert.False(hosting.IsEnabled(LogLevel.Information));
        Assert.True(hosting.IsEnabled(LogLevel.Warning));
        Assert.True(routing.IsEnabled(LogLevel.Information)); // the rest of the configuration holds
    }
}
