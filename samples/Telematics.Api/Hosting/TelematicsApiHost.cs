using Microsoft.Extensions.DependencyInjection.Extensions;
using Telematics.Api.Administration;
using Telematics.Api.Auth;
using Telematics.Api.Authorization;
using Telematics.Api.Caching;
using Telematics.Api.Cluster;
using Telematics.Api.Endpoints;
using Telematics.Api.Health;
using Telematics.Api.Ingest;
using Telematics.Api.Live;
using Telematics.Api.Observability;
using Telematics.Api.OpenApi;
using Telematics.Api.Problems;
using Telematics.Api.RateLimiting;
using Telematics.Api.RequestLimits;
using Telematics.Api.Scoring;
using Telematics.Api.Security;
using Telematics.Api.Storage;
using Telematics.Dashboard;

namespace Telematics.Api.Hosting;

/// <summary>Composes the host: the services every endpoint relies on, and the middleware order they need.</summary>
internal static class TelematicsApiHost
{
    /// <summary>Registers auth, problems, limits, caching, telemetry, OpenAPI, storage, scoring and health.</summary>
    /// <exception cref="InvalidOperationException">The signing key is missing outside Development, or too short.</exception>
    public static WebApplicationBuilder AddTelematicsApi(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.TryAddSingleton(TimeProvider.System);
        if (!builder.Environment.IsDevelopment())
        {
            // One JSON object per event, with the [LoggerMessage] fields as properties, for log shippers.
            builder.Logging.ClearProviders().AddJsonConsole(options =>
            {
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "O";
            });
        }

        // Never the request-start log, which holds the query string (the live hub's ?access_token=), whatever appsettings say.
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IPostConfigureOptions<LoggerFilterOptions>, RequestUrlLogFilter>();

        builder.AddTelematicsAuthentication();
        builder.Services
            .AddTelematicsAuthorization()
            .AddTelematicsProblems()
            .AddTelematicsRateLimiting(configuration)
            .AddTelematicsRequestLimits(configuration)
            .AddTelematicsCaching()
            .AddTelematicsTelemetry(configuration)
            .AddTelematicsOpenApi()
            .AddTelematicsStorageAndScoring(configuration)
            .AddTelematicsAdministration(configuration)
            .AddTelematicsRiskScoring(configuration)
            .AddTelematicsHealth();

        // Streamed event upload (POST /telematics/events): options, CSV mappings, stream ingestor.
        builder.Services.AddTelematicsIngest(configuration);

        // NATS JetStream only when Ingest:Mode=stream or Ingest:Workers > 0 (docs/streaming.md).
        builder.Services.AddTelematicsIngestStreaming(configuration);

        // Live updates (/hubs/live) of what uploads and recalculations store.
        builder.Services.AddTelematicsLive();

        // Several hosts on one book when Redis is configured: shared cache, cross-host invalidation, hub backplane.
        builder.Services.AddTelematicsCluster(configuration);

        // Domain events through the outbox to NATS JetStream when NATS is configured; the live hub is then fed from them.
        builder.Services.AddTelematicsDomainEvents(configuration);

        // The dashboard (/dashboard): its static files come from the build's static web assets in every environment, not
        // only in Development, so that the Release build ./run.sh and the tests start serves them too.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddTelematicsDashboard(configuration);
        return builder;
    }

    /// <summary>Builds the pipeline and maps every endpoint.</summary>
    public static WebApplication UseTelematicsApi(this WebApplication app)
    {
        if (app.Services.GetRequiredService<SigningKeyMaterial>().IsGeneratedForThisProcess)
        {
            AuthLog.GeneratedDevelopmentSigningKey(app.Logger);
        }

        // Order matters: headers first so that every response has them; errors before routing so they cover it;
        // the rate limiter after authentication so that it partitions by user.
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseTelematicsProblems();
        app.UseMiddleware<RequestHeadLimitMiddleware>();
        app.UseResponseCompression();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseNotFoundForUnmatchedRoutes();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<IngestLimitsMiddleware>(); // after authentication too: it counts uploads in flight per user
        app.UseAntiforgery();

        app.MapTelematicsHealth();
        app.MapTelematicsMetrics();
        app.MapTelematicsOpenApi();
        app.MapTelematicsApi();
        app.MapTelematicsLive();
        app.MapTelematicsDashboard();
        return app;
    }
}
