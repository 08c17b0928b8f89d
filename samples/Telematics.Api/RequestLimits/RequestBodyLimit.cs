using Microsoft.AspNetCore.Http.Metadata;

namespace Telematics.Api.RequestLimits;

/// <summary>Endpoint metadata overriding the server's request body limit; routing applies it before the body is read.</summary>
/// <param name="maxRequestBodySize">The largest body accepted in bytes, or null for no limit.</param>
internal sealed class RequestBodyLimit(long? maxRequestBodySize) : IRequestSizeLimitMetadata
{
    /// <inheritdoc />
    public long? MaxRequestBodySize { get; } = maxRequestBodySize;
}

/// <summary>Per-endpoint request body limits.</summary>
internal static class RequestBodyLimitExtensions
{
    /// <summary>Accepts bodies up to <paramref name="maxBytes"/> on this endpoint instead of the server-wide limit; larger ones get 413.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> is not positive.</exception>
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, long maxBytes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        return builder.WithMetadata(new RequestBodyLimit(maxBytes));
    }
}
