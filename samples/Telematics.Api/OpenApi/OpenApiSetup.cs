using Scalar.AspNetCore;

namespace Telematics.Api.OpenApi;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and the browsable Scalar reference at <c>/scalar</c>.</summary>
internal static class OpenApiSetup
{
    /// <summary>The document name, which is also the version segment of the API's routes.</summary>
    public const string DocumentName = "v1";

    /// <summary>Registers the document generator with the bearer security scheme.</summary>
    public static IServiceCollection AddTelematicsOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer<BearerSecurityTransformer>();
            options.AddDocumentTransformer<ServerUrlTransformer>();
            options.AddOperationTransformer<BearerSecurityTransformer>();
            options.AddOperationTransformer<ExampleTransformer>();
        });
        return services;
    }

    /// <summary>Maps the document and the reference UI; both are readable without a token (they describe, not serve, data).</summary>
    public static IEndpointRouteBuilder MapTelematicsOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi().AllowAnonymous();
        endpoints.MapScalarApiReference(options => options
                .WithTitle("Telematics API")
                .AddPreferredSecuritySchemes(BearerSecurityTransformer.SchemeName))
            .AllowAnonymous();
        return endpoints;
    }
}
