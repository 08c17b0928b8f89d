using Microsoft.Extensions.Options;

namespace Telematics.Api.Endpoints;

/// <summary>
/// The <c>/api/v1</c> root group. Each group lives in one file (<c>XxxEndpoints.cs</c>) with a
/// <c>MapXxxEndpoints(this RouteGroupBuilder api)</c> method that is called here; adding an endpoint is one method
/// in that file, declaring its permission with <c>RequirePermission</c>.
/// </summary>
internal static class ApiRoutes
{
    /// <summary>The prefix of every API route.</summary>
    public const string Prefix = "/api/v1";

    /// <summary>Maps every group under <see cref="Prefix"/>, then the host's <see cref="ApiRouteOptions.AdditionalRoutes"/>.</summary>
    public static RouteGroupBuilder MapTelematicsApi(this WebApplication app)
    {
        var api = app.MapGroup(Prefix)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        // Reads that hit a transient database failure are tried again before the client gets a 503.
        api.AddEndpointFilter<Problems.TransientReadRetryFilter>();

        // Query dates and instants are ISO 8601 only; the framework's lenient parse read 01/03/2026 as 3 January.
        api.AddEndpointFilterFactory(Problems.IsoQueryTimesFilter.Create);

        api.MapAuthEndpoints(app.Environment);
        api.MapDriverEndpoints();
        api.MapModelsEndpoints();
        api.MapExperimentsEndpoints();
        api.MapAdminEndpoints();
        api.MapTelematicsEndpoints();
        api.MapDriverInsightEndpoints();
        api.MapRiskEndpoints();
        api.MapPricingEndpoints();

        foreach (var map in app.Services.GetRequiredService<IOptions<ApiRouteOptions>>().Value.AdditionalRoutes)
        {
            map(api);
        }

        return api;
    }

    /// <summary>
    /// Answers a request that matched no route with a 404 problem, to every caller: without it the fallback
    /// authorization policy would answer an anonymous caller 401 for a route that does not exist. Place it after
    /// routing and before authentication. A route matched but for another method or content type still gets 405/415.
    /// </summary>
    public static IApplicationBuilder UseNotFoundForUnmatchedRoutes(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            if (context.GetEndpoint() is not null)
            {
                return next(context);
            }

            // No body here: the status-code pages write the not-found problem.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
}
