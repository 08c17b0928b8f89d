using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Telematics.Api.OpenApi;

/// <summary>
/// Puts an <c>example</c> on every JSON request body and every JSON 200/201 response whose CLR type has one in
/// <see cref="ApiExamples"/>. The example is the typed object serialized with the host's own JSON options, so it has the
/// exact shape (names, casing, formats) the endpoint sends or accepts. A request body's other, text media types
/// (<c>application/x-ndjson</c>, <c>text/csv</c>) get a string schema and the text example of
/// <see cref="ApiExamples.TryGetText"/>.
/// </summary>
internal sealed class ExampleTransformer : IOpenApiOperationTransformer
{
    private const string Json = "application/json";

    /// <inheritdoc />
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var options = context.ApplicationServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var description = context.Description;

        // The type an endpoint declares with Accepts<T> (the last accepts metadata wins over the one inferred from a JsonElement
        // body parameter), else its bound body parameter.
        var bodyType = description.ActionDescriptor.EndpointMetadata.OfType<IAcceptsMetadata>().LastOrDefault()?.RequestType
            ?? description.ParameterDescriptions.FirstOrDefault(p => p.Source == BindingSource.Body)?.Type;
        if (bodyType is not null
            && operation.RequestBody?.Content is { } requestContent
            && requestContent.TryGetValue(Json, out var requestMedia)
            && ApiExamples.TryGet(bodyType, out var requestExample))
        {
            requestMedia.Example = JsonSerializer.SerializeToNode(requestExample, bodyType, options);
        }

        // The other declared body media types (NDJSON, CSV) are text: a string schema and the same records in that format.
        if (bodyType is not null && operation.RequestBody?.Content is { } textContent)
        {
            foreach (var (mediaType, media) in textContent)
            {
                if (mediaType != Json && ApiExamples.TryGetText(bodyType, mediaType, options, out var text))
                {
                    media.Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Description = $"The body as {mediaType} text; the example shows the format, the operation's description the fields.",
                    };
                    media.Example = JsonValue.Create(text);
                }
            }
        }

        foreach (var responseType in description.SupportedResponseTypes)
        {
            if (responseType.StatusCode is not (StatusCodes.Status200OK or StatusCodes.Status201Created)
                || responseType.Type is not { } type
                || operation.Responses is null
                || !operation.Responses.TryGetValue(responseType.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response)
                || response.Content is null
                || !response.Content.TryGetValue(Json, out var media)
                || !ApiExamples.TryGet(type, out var example))
            {
                continue;
            }

            media.Example = JsonSerializer.SerializeToNode(example, type, options);
        }

        return Task.CompletedTask;
    }
}
