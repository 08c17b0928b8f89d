using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;

namespace Telematics.Api.Problems;

/// <summary>
/// Holds a date in the query string to one form, <c>YYYY-MM-DD</c>. The framework reads a <see cref="DateOnly"/> with the
/// invariant culture's lenient parse, so <c>01/03/2026</c> became 3 January: a European caller meaning 1 March got
/// another period without a word. Such a value is answered 400 naming the parameter instead.
/// </summary>
internal static class IsoDateQueryFilter
{
    /// <summary>What a date parameter that is not <c>YYYY-MM-DD</c> is told (also for one the framework could not read).</summary>
    public const string Form = "a date as YYYY-MM-DD, for example 2026-03-01";

    /// <summary>The filter of an endpoint with date parameters from the query; the endpoint itself when it has none.</summary>
    public static EndpointFilterDelegate Create(EndpointFilterFactoryContext factory, EndpointFilterDelegate next)
    {
        var names = DateQueryParameters(factory.MethodInfo);
        if (names.Length == 0)
        {
            return next;
        }

        return context =>
        {
            var query = context.HttpContext.Request.Query;
            ValidationErrors? errors = null;
            foreach (var name in names)
            {
                if (query.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) && !IsIso(values[0]!))
                {
                    (errors ??= new ValidationErrors()).Add(name, $"The value is not valid for this parameter: give {Form}.");
                }
            }

            return errors is null ? next(context) : ValueTask.FromResult<object?>(errors.ToProblem());
        };
    }

    private static bool IsIso(string value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    // Parameters of type DateOnly or DateOnly? read from the query: not from the route, body, headers or services.
    private static string[] DateQueryParameters(MethodInfo method)
    {
        var names = new List<string>();
        foreach (var parameter in method.GetParameters())
        {
            var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            if (type != typeof(DateOnly) || parameter.GetCustomAttribute<FromRouteAttribute>() is not null
                || parameter.GetCustomAttribute<FromBodyAttribute>() is not null || parameter.GetCustomAttribute<FromHeaderAttribute>() is not null)
            {
                continue;
            }

            names.Add(parameter.GetCustomAttribute<FromQueryAttribute>()?.Name ?? parameter.Name!);
        }

        return [.. names];
    }
}
