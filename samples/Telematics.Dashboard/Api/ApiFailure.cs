using System.Text.Json;

namespace Telematics.Dashboard.Api;

/// <summary>
/// What to tell the user when the API could not be asked or its answer not read, in our own words. The exception's own
/// message is never shown: it names the address and how the connection failed ("connection refused" against a time-out),
/// which a visitor must not learn about the host's network.
/// </summary>
public static class ApiFailure
{
    /// <summary>The API did not answer (down, unreachable, or no address to call).</summary>
    public const string Unreachable = "The API could not be reached.";

    /// <summary>The API took longer than the client waits.</summary>
    public const string TimedOut = "The API did not answer in time.";

    /// <summary>The API answered with something that is not what it documents.</summary>
    public const string Unreadable = "The API's answer could not be read.";

    /// <summary>
    /// The words for <paramref name="failure"/> when it is a failure to reach the API or to read its answer; null for
    /// anything else (an <see cref="ApiException"/> carries the API's own words, a cancellation is not a failure).
    /// </summary>
    public static string? Describe(Exception failure) => failure switch
    {
        HttpRequestException => Unreachable,
        // HttpClient's own time-out; a cancellation asked for by the caller has no TimeoutException inside.
        TaskCanceledException { InnerException: TimeoutException } => TimedOut,
        JsonException => Unreadable,
        _ => null,
    };
}
