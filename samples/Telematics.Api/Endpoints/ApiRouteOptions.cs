namespace Telematics.Api.Endpoints;

/// <summary>
/// Route groups a host adds under <c>/api/v1</c> next to the built-in ones; they get the same conventions (problem
/// details, fallback authorization). Configure with <c>services.Configure&lt;ApiRouteOptions&gt;(o =&gt; o.AdditionalRoutes.Add(...))</c>.
/// </summary>
internal sealed class ApiRouteOptions
{
    /// <summary>Callbacks that map routes onto the <c>/api/v1</c> group, run after the built-in groups.</summary>
    /// <value>Default empty.</value>
    public IList<Action<RouteGroupBuilder>> AdditionalRoutes { get; } = [];
}
