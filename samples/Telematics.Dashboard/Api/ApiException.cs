namespace Telematics.Dashboard.Api;

/// <summary>The API answered with an error status; <see cref="Exception.Message"/> is its problem title and detail.</summary>
public sealed class ApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ApiException(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>Creates the exception.</summary>
    public ApiException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status, e.g. 401 (not signed in), 403 (not allowed), 404 (nothing there yet).</summary>
    public int StatusCode { get; }
}
