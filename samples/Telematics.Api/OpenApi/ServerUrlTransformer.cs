using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Telematics.Api.OpenApi;

/// <summary>
/// Sets the document's <c>servers</c> from configuration (<c>OpenApi:ServerUrl</c>), or to the relative <c>/</c> when
/// unset, instead of the request's Host header: a client must not be able to make the published document point at a
/// server of its choosing.
/// </summary>
internal sealed class ServerUrlTransformer(IConfiguration configuration) : IOpenApiDocumentTransformer
{
    /// <summary>The configuration key of the public base URL, e.g. <c>https://api.example.com</c>.</summary>
    public const string ServerUrlKey = "OpenApi:ServerUrl";

    /// <inheritdoc />
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var url = configuration[ServerUrlKey];
        document.Servers = [new OpenApiServer { Url = string.IsNullOrWhiteSpace(url) ? "/" : url }];
        return Task.CompletedTask;
    }
}
