namespace Telematics.Api.Problems;

/// <summary>Log events of error handling (event ids 2000–2099). Messages carry the route, never a body or position.</summary>
internal static partial class ProblemLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Error,
        Message = "Unhandled exception on {Method} {Route} (trace {TraceId}).")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string route, string traceId);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information,
        Message = "Rejected an unreadable request on {Method} {Route} with {StatusCode}: {Reason}")]
    public static partial void BadRequest(ILogger logger, string method, string route, int statusCode, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug,
        Message = "The client closed {Method} {Route} before the response was written.")]
    public static partial void ClientAborted(ILogger logger, string method, string route);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "The database was unavailable on {Method} {Route} ({ExceptionType}, SQLSTATE {SqlState}); answered 503.")]
    public static partial void DatabaseUnavailable(ILogger logger, string method, string route, string exceptionType, string sqlState);
}
