using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;

namespace Telematics.Api.Problems;

/// <summary>
/// Holds dates and instants in the query string to ISO 8601: a day as <c>YYYY-MM-DD</c>, an instant with its offset. The
/// framework reads them with the invariant culture's lenient parse: <c>01/03/2026</c> became 3 January, so a European
/// caller meaning 1 March got another period without a word, and an instant without an offset was read in the server's
/// own time zone. Such a value is answered 400 naming the parameter instead.
/// </summary>
internal static partial class IsoQueryTimesFilter
{
    /// <summary>What a date parameter in another form is told (also one the framework could not read at all).</summary>
    public const string DateForm = "a date as YYYY-MM-DD, for example 2026-03-01";

    /// <summary>What an instant parameter in another form is told.</summary>
    public const string InstantForm = "an ISO 8601 instant with its offset, for example 2026-03-01T08:00:00Z";

    /// <summary>The filter of an endpoint with date or instant parameters from the query; the endpoint itself when it has none.</summary>
    public static EndpointFilterDelegate Create(EndpointFilterFactoryContext factory, EndpointFilterDelegate next)
    {
        var parameters = TimeQueryParameters(factory.MethodInfo);
        if (parameters.Length == 0)
        {
            return next;
        }

        return context =>
        {
            var query = context.HttpContext.Request.Query;
            ValidationErrors? errors = null;
            foreach (var (name, isDate) in parameters)
            {
                if (query.TryGetValue(name, out var values) && values.Count > 0 && values[0] is { Length: > 0 } value
                    && !(isDate ? IsIsoDate(value) : IsoInstant().IsMatch(value)))
                {
                    (errors ??= new ValidationErrors()).Add(name, BadRequestWording.NotValidParameter(isDate ? DateForm : InstantForm));
                }
            }

            return errors is null ? next(context) : ValueTask.FromResult<object?>(errors.ToProblem());
        };
    }

    private static bool IsIsoDate(string value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    // DateOnly, DateTimeOffset and DateTime parameters (nullable or not) read from the query: not the route, body or headers.
    private static (string Name, bool IsDate)[] TimeQueryParameters(MethodInfo method)
    {
        var found = new List<(string, bool)>();
        foreach (var parameter in method.GetParameters())
        {
            var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            if ((type != typeof(DateOnly) && type != typeof(DateTimeOffset) && type != typeof(DateTime))
                || parameter.GetCustomAttribute<FromRouteAttribute>() is not null
                || parameter.GetCustomAttribute<FromBodyAttribute>() is not null || parameter.GetCustomAttribute<FromHeaderAttribute>() is not null)
            {
                continue;
            }

            found.Add((parameter.GetCustomAttribute<FromQueryAttribute>()?.Name ?? parameter.Name!, type == typeof(DateOnly)));
        }

        return [.. found];
    }

    // Date, time to the minute or finer, and a Z or ±hh:mm offset; the date and time must also be valid, which binding checked.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoInstant();
}
