using System.Diagnostics;

namespace Telematics.Api.Problems;

/// <summary>Makes every error response problem+json with a stable <c>type</c> (see <see cref="ProblemTypes"/>) and a trace id.</summary>
internal static class ProblemSetup
{
    /// <summary>Registers problem details, the exception handler and throwing on unreadable requests.</summary>
    public static IServiceCollection AddTelematicsProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            if (!ProblemTypes.IsOwn(problem.Type))
            {
                problem.Type = problem is HttpValidationProblemDetails && status == StatusCodes.Status400BadRequest
                    ? ProblemTypes.Validation
                    : ProblemTypes.ForStatus(status);
            }

            if (status == StatusCodes.Status401Unauthorized && problem.Detail is null)
            {
                problem.Detail = "A valid bearer token is required; the WWW-Authenticate header says why this one was refused.";
            }

            problem.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ApiExceptionHandler>();

        // Binding failures throw in every environment so that ApiExceptionHandler can name the field, instead of an empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>Adds the exception handler and status-code pages, so that even a bare 401/403/404 carries problem+json.</summary>
    public static IApplicationBuilder UseTelematicsProblems(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
