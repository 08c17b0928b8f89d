using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Telematics.Api.Problems;

/// <summary>
/// Turns exceptions into problem+json: an unreadable request (<see cref="BadHttpRequestException"/>) keeps its status
/// (400, 413, …) and, for malformed JSON, names the field; a database outage (<see cref="DatabaseOutage"/>) is 503
/// <c>unavailable</c> with <c>Retry-After</c>; anything else is logged and answered with 500.
/// </summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    // Not in RFC 9110; the de-facto code (nginx) for "client closed the connection before the response".
    private const int ClientClosedRequest = 499;

    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // The middleware clears the endpoint before calling handlers; the feature keeps the one that threw.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody reads a response, and it is not a server error worth an Error log.
            ProblemLog.ClientAborted(logger, httpContext.Request.Method, route);
            httpContext.Response.StatusCode = ClientClosedRequest;
            return true;
        }

        var problem = exception switch
        {
            BadHttpRequestException bad => FromBadRequest(httpContext, bad, route),
            _ when DatabaseOutage.IsTransient(exception) => FromOutage(httpContext, exception, route),
            _ => FromUnexpected(httpContext, exception, route),
        };

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private ProblemDetails FromBadRequest(HttpContext httpContext, BadHttpRequestException exception, string route)
    {
        ProblemLog.BadRequest(logger, httpContext.Request.Method, route, exception.StatusCode, exception.Message);
        if (FindJsonError(exception) is { } json)
        {
            // "$.driverId" -> "driverId"; a document that is not JSON at all has no path and is reported as the body.
            var field = json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
            return new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [field] = [JsonBodyField.FormAt(BodyType(httpContext), json.Path) is { } form
                    ? $"The value could not be read: give {form}."
                    : "The value could not be read as JSON of the expected type."],
            })
            {
                Status = StatusCodes.Status400BadRequest,
                Type = ProblemTypes.Validation,
                Title = "The request is invalid.",
                Detail = "The JSON body could not be read; see errors.",
            };
        }

        // The framework's message names CLR types and internals: it is logged above, and answered in our own words.
        var (title, detail, parameter, parameterError) = BadRequestWording.Describe(exception.StatusCode, exception.Message);
        if (parameter is not null && exception.StatusCode == StatusCodes.Status400BadRequest)
        {
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [parameter] = [parameterError!] })
            {
                Status = StatusCodes.Status400BadRequest,
                Type = ProblemTypes.Validation,
                Title = title,
                Detail = detail,
            };
        }

        return new ProblemDetails
        {
            Status = exception.StatusCode,
            Type = ProblemTypes.ForStatus(exception.StatusCode),
            Title = title,
            Detail = detail,
        };
    }

    private ProblemDetails FromOutage(HttpContext httpContext, Exception exception, string route)
    {
        ProblemLog.DatabaseUnavailable(logger, httpContext.Request.Method, route, exception.GetType().Name, DatabaseOutage.SqlState(exception) ?? "none");

        // Idle pooled connections to a server that went away are dead too: drop them, so that the requests after the
        // server is back open fresh connections instead of failing one by one on the stale ones.
        httpContext.RequestServices.GetService<Storage.DatabaseConnection>()?.DataSource?.Clear();
        httpContext.Response.Headers.RetryAfter = DatabaseOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Type = ProblemTypes.Unavailable,
            Title = "The database is not available.",
            Detail = "The request was not completed and nothing of it was stored; retry after the Retry-After seconds.",
        };
    }

    private ProblemDetails FromUnexpected(HttpContext httpContext, Exception exception, string route)
    {
        var traceId = Activity.Current?.Id ?? httpContext.TraceIdentifier;
        ProblemLog.Unhandled(logger, exception, httpContext.Request.Method, route, traceId);
        return new ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Type = ProblemTypes.Internal,
            Title = "An unexpected error occurred.",
            Detail = "The error was logged; quote the traceId when reporting it.",
        };
    }

    // The handler runs with the endpoint cleared; the exception feature keeps the one that failed.
    private static Type? BodyType(HttpContext httpContext) =>
        (httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint())?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;

    private static JsonException? FindJsonError(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException json)
            {
                return json;
            }
        }

        return null;
    }
}
