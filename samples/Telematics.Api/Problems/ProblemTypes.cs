namespace Telematics.Api.Problems;

/// <summary>
/// The stable <c>type</c> URIs of the host's problem+json errors (RFC 9457), one per kind of error. Clients branch on
/// these, never on <c>title</c> or <c>detail</c>; the list is documented in the host's README.
/// </summary>
internal static class ProblemTypes
{
    private const string Base = "https://telematics.dev/problems/";

    /// <summary>400: one or more fields are invalid; <c>errors</c> maps each field name to its messages.</summary>
    public const string Validation = Base + "validation";

    /// <summary>400: the request could not be read (malformed JSON, wrong content, bad header).</summary>
    public const string BadRequest = Base + "bad-request";

    /// <summary>401: no bearer token, or one that is expired, mis-signed or for another audience.</summary>
    public const string Unauthorized = Base + "unauthorized";

    /// <summary>403: authenticated, but the role lacks the permission or the driver is not the caller's own.</summary>
    public const string Forbidden = Base + "forbidden";

    /// <summary>404: no such route or resource.</summary>
    public const string NotFound = Base + "not-found";

    /// <summary>405: the route exists but not for this HTTP method.</summary>
    public const string MethodNotAllowed = Base + "method-not-allowed";

    /// <summary>409: the request conflicts with the resource's current state.</summary>
    public const string Conflict = Base + "conflict";

    /// <summary>413: the body is larger than the endpoint accepts.</summary>
    public const string PayloadTooLarge = Base + "payload-too-large";

    /// <summary>414: the path and query string are longer than <c>RequestLimits:MaxRequestTargetBytes</c>.</summary>
    public const string UriTooLong = Base + "uri-too-long";

    /// <summary>431: the headers are larger in total than <c>RequestLimits:MaxRequestHeadersBytes</c>.</summary>
    public const string HeadersTooLarge = Base + "headers-too-large";

    /// <summary>415: the body's content type is not one the endpoint reads.</summary>
    public const string UnsupportedMediaType = Base + "unsupported-media-type";

    /// <summary>429: the client's rate limit for this kind of request is used up; see <c>Retry-After</c>.</summary>
    public const string RateLimited = Base + "rate-limited";

    /// <summary>500: an unexpected error; the <c>traceId</c> finds it in the logs.</summary>
    public const string Internal = Base + "internal";

    /// <summary>503: a dependency (the database) is unavailable.</summary>
    public const string Unavailable = Base + "unavailable";

    /// <summary>422: the driver has no stored trips in the requested period, so there is nothing to score.</summary>
    public const string NoTripsInPeriod = Base + "no-trips-in-period";

    /// <summary>Any other status: the generic kind for its class.</summary>
    public const string Unknown = Base + "unknown";

    /// <summary>The type URI for an error response with <paramref name="statusCode"/>.</summary>
    public static string ForStatus(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest => BadRequest,
        StatusCodes.Status401Unauthorized => Unauthorized,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status409Conflict => Conflict,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status414UriTooLong => UriTooLong,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status431RequestHeaderFieldsTooLarge => HeadersTooLarge,
        StatusCodes.Status429TooManyRequests => RateLimited,
        StatusCodes.Status500InternalServerError => Internal,
        StatusCodes.Status503ServiceUnavailable => Unavailable,
        _ => Unknown,
    };

    /// <summary>Whether <paramref name="type"/> is one of the host's own problem types.</summary>
    public static bool IsOwn(string? type) => type is not null && type.StartsWith(Base, StringComparison.Ordinal);
}
