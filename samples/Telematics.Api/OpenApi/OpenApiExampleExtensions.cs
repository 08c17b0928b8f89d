using System.Globalization;
using System.Text.Json.Nodes;

namespace Telematics.Api.OpenApi;

/// <summary>Puts JSON examples on an endpoint's request body and one of its responses in the OpenAPI document.</summary>
internal static class OpenApiExampleExtensions
{
    /// <summary>Sets the <c>application/json</c> example of the request body (when given) and of the response with <paramref name="status"/>.</summary>
    /// <param name="builder">The endpoint.</param>
    /// <param name="request">The request body example as JSON text, or null for none.</param>
    /// <param name="status">The status code of the response the example belongs to.</param>
    /// <param name="response">The response body example as JSON text.</param>
    public static TBuilder WithJsonExamples<TBuilder>(this TBuilder builder, string? request, int status, string response)
        where TBuilder : IEndpointConventionBuilder
    {
        // Parsed once here, so a typo fails at start-up, not when the document is first served.
        var requestExample = request is null ? null : JsonNode.Parse(request);
        var responseExample = JsonNode.Parse(response);
        var statusKey = status.ToString(CultureInfo.InvariantCulture);
        return builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (requestExample is not null && operation.RequestBody?.Content is { } body && body.TryGetValue("application/json", out var requestMedia))
            {
                requestMedia.Example = requestExample.DeepClone();
            }

            if (operation.Responses is { } responses && responses.TryGetValue(statusKey, out var answer)
                && answer.Content is { } content && content.TryGetValue("application/json", out var responseMedia))
            {
                responseMedia.Example = responseExample?.DeepClone();
            }

            return Task.CompletedTask;
        });
    }
}
