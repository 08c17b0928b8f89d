using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Telematics.Api.Observability;

/// <summary>OpenTelemetry metrics (Prometheus scrape at <c>/metrics</c>) and traces (OTLP when an endpoint is configured).</summary>
internal static class TelemetrySetup
{
    /// <summary>The scrape path of the Prometheus exporter.</summary>
    public const string MetricsPath = "/metrics";

    // Every SDK package publishes under "Telematics.<Package>" (Telematics.Scoring, Telematics.Storage.Postgres, …).
    private const string SdkSources = "Telematics.*";

    /// <summary>
    /// Collects ASP.NET Core, Npgsql and the SDK's meters and activity sources. Traces are exported through OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and not collected otherwise.
    /// </summary>
    public static IServiceCollection AddTelematicsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ApiMetrics>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("telematics-api"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter(ApiMetrics.MeterName, SdkSources)
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options => options.Filter = http => !IsPlumbing(http.Request.Path))
                .AddSource(SdkSources)
                .AddNpgsql());

        if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }

    /// <summary>Maps the Prometheus scrape endpoint, open to scrapers without a token (serve it on a private network).</summary>
    public static IEndpointConventionBuilder MapTelematicsMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous().ExcludeFromDescription();

    private static bool IsPlumbing(PathString path) =>
        path.StartsWithSegments(MetricsPath, StringComparison.Ordinal) || path.StartsWithSegments("/health", StringComparison.Ordinal);
}
