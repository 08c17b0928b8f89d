using Microsoft.Extensions.Options;

using Telematics.Api.Administration;
using Telematics.Api.Scoring;
using Telematics.Scoring.Pricing;
using Telematics.Storage.Postgres.Connection;

namespace Telematics.Api.Storage;

/// <summary>Wires the SDK's storage and scoring into the host.</summary>
internal static class StorageSetup
{
    /// <summary>
    /// Registers the SDK in one <c>AddTelematics</c> call: PostgreSQL on <c>ConnectionStrings:Telematics</c> (else
    /// <c>TELEMATICS_PG</c>), the models <see cref="ServedModels"/> reads from configuration (ML.NET packages too), the
    /// pricing plan (<see cref="RiskScoringSetup.AddTelematicsRiskScoring"/>) and the experiment stored drivers are scored in
    /// (<c>Scoring:Experiment</c>); then the start-up migrator and the trip state backfill.
    /// </summary>
    public static IServiceCollection AddTelematicsStorageAndScoring(this IServiceCollection services, IConfiguration configuration)
    {
        // Migrations are applied by DatabaseMigrator, not inside the data source factory: an unreachable database
        // must leave the host running and not ready, rather than failing the first service that resolves it.
        services.AddTelematics(telematics => telematics
            .UsePostgres(options => options.ConnectionString = configuration.GetConnectionString(PostgresConnectionString.ConfigurationName))
            .ConfigureScoring(scoring =>
            {
                // ML.NET .zip packages are served beside ONNX ones (the host demonstrates every model kind).
                scoring.UseMLNetModels();
                ServedModels.Configure(scoring, configuration);
            })
            .UsePricingPlan(static provider => provider.GetRequiredService<PricingPlan>())
            .ScoreInExperiment(static provider => provider.GetRequiredService<IOptions<RiskScoringOptions>>().Value.Experiment));
        services.AddSingleton<DatabaseConnection>();
        services.AddSingleton(static provider => new DatabaseMigrator(
            provider.GetRequiredService<DatabaseConnection>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<DatabaseMigrator>>(),
            provider.GetRequiredService<IConfiguration>().GetValue<TimeSpan?>(DatabaseMigrator.LongestRetryKey)));
        services.AddHostedService(static provider => provider.GetRequiredService<DatabaseMigrator>());
        services.AddHostedService<TripStateBackfiller>();
        return services;
    }

    /// <summary>
    /// Answers 503 (problem <c>unavailable</c>, <c>Retry-After</c>) instead of running the endpoint while the schema is not
    /// current, after waiting briefly for a migration still in progress, and declares the 503 in the OpenAPI document (a
    /// database outage during the endpoint is the same 503, from <see cref="Problems.ApiExceptionHandler"/>).
    /// </summary>
    public static TBuilder RequireDatabase<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblem(StatusCodes.Status503ServiceUnavailable).AddEndpointFilter(static async (context, next) =>
        {
            var migrator = context.HttpContext.RequestServices.GetRequiredService<DatabaseMigrator>();
            if (!await migrator.WaitUntilAppliedAsync(TimeSpan.FromSeconds(3), context.HttpContext.RequestAborted))
            {
                context.HttpContext.Response.Headers.RetryAfter =
                    Problems.DatabaseOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "The database is not available.",
                    // Fixed words: the migrator's problem may name the server, its user or its database, which only
                    // admin:read sees (on /health/ready) and the log keeps.
                    detail: "The database schema is not ready yet; retry after the Retry-After seconds. An administrator sees why on /health/ready.");
            }

            return await next(context);
        });
}
