using Microsoft.Extensions.Options;

namespace Telematics.Api.Observability;

/// <summary>
/// Keeps ASP.NET Core's request-start and request-finish logs (<see cref="Category"/>, Information) off in every provider,
/// whatever the configuration says: they carry the query string, and with it the live hub's <c>?access_token=</c>.
/// </summary>
/// <remarks>
/// Applied after the configuration's rules: it drops every rule as specific as this category or more (a
/// <c>Logging:Console:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics</c> too) and adds one at Warning for every
/// provider a rule names and for all providers, so no rule can select a lower level. Warnings and errors of the category
/// (no URL in them) still log.
/// </remarks>
internal sealed class RequestUrlLogFilter : IPostConfigureOptions<LoggerFilterOptions>
{
    /// <summary>The category of ASP.NET Core's hosting diagnostics, which logs each request's URL at Information.</summary>
    public const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <inheritdoc />
    public void PostConfigure(string? name, LoggerFilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var providers = options.Rules.Select(r => r.ProviderName).Where(p => p is not null).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        for (var i = options.Rules.Count - 1; i >= 0; i--)
        {
            if (options.Rules[i].CategoryName is { } category && category.StartsWith(Category, StringComparison.OrdinalIgnoreCase))
            {
                options.Rules.RemoveAt(i);
            }
        }

        options.Rules.Add(new LoggerFilterRule(null, Category, LogLevel.Warning, null));
        foreach (var provider in providers)
        {
            options.Rules.Add(new LoggerFilterRule(provider, Category, LogLevel.Warning, null));
        }
    }
}
