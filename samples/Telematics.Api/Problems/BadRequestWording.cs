using System.Text.RegularExpressions;

namespace Telematics.Api.Problems;

/// <summary>
/// The project's own words for a request the framework or the server could not read: the framework's messages name
/// CLR types and internals, so only the parameter they are about is kept from them.
/// </summary>
internal static partial class BadRequestWording
{
    /// <summary>The title, detail and (for a parameter that could not be bound) the field of an unreadable request.</summary>
    /// <param name="status">The status the exception carries (400, 408, 413, 414, 415, 431, …).</param>
    /// <param name="message">The framework's message, read for the parameter name only.</param>
    public static (string Title, string Detail, string? Field, string? FieldError) Describe(int status, string message)
    {
        switch (status)
        {
            case StatusCodes.Status408RequestTimeout:
                return ("The request body arrived too slowly.", "The body was not completed in time; send it again on a faster connection.", null, null);
            case StatusCodes.Status413PayloadTooLarge:
                return ("The request body is too large.", "The body is larger than this endpoint accepts; see the limits in the API reference.", null, null);
            case StatusCodes.Status414UriTooLong:
                return ("The request address is too long.", "The path and query string are longer than this server accepts.", null, null);
            case StatusCodes.Status415UnsupportedMediaType:
                return ("The body's content type is not accepted.", "Send JSON with Content-Type: application/json.", null, null);
            case StatusCodes.Status431RequestHeaderFieldsTooLarge:
                return ("The request headers are too large.", "The request's headers are larger in total than this server accepts.", null, null);
        }

        if (Parameter().Match(message) is { Success: true } match)
        {
            var name = match.Groups["name"].Value;
            var missing = message.StartsWith("Required parameter", StringComparison.Ordinal) || message.StartsWith("Implicit body", StringComparison.Ordinal);
            return ("The request is invalid.", "A parameter is missing or not valid; see errors.", name, missing ? "A value is required." : NotValid(match.Groups["type"].Value));
        }

        return ("The request could not be read.", "The request is malformed; check its address, headers and body.", null, null);
    }

    // What the value should have looked like, by the parameter's type as the framework names it ("DateOnly?", "Int32",
    // "Nullable<DateOnly>"): the type itself is not echoed, only the form a caller can type.
    private static string NotValid(string type)
    {
        const string Prefix = "The value is not valid for this parameter";
        var form = type switch
        {
            _ when type.Contains("DateOnly", StringComparison.Ordinal) => IsoQueryTimesFilter.DateForm,
            _ when type.Contains("DateTime", StringComparison.Ordinal) => IsoQueryTimesFilter.InstantForm,
            _ when type.Contains("Guid", StringComparison.Ordinal) => "a UUID",
            _ when type.Contains("bool", StringComparison.OrdinalIgnoreCase) => "true or false",
            _ when IsWhole(type) => "a whole number",
            _ when type.Contains("double", StringComparison.OrdinalIgnoreCase) || type.Contains("Single", StringComparison.Ordinal)
                || type.Contains("float", StringComparison.Ordinal) || type.Contains("decimal", StringComparison.OrdinalIgnoreCase)
                => "a number, with '.' as the decimal point",
            _ => null,
        };
        return form is null ? Prefix + "." : $"{Prefix}: give {form}.";
    }

    private static bool IsWhole(string type) =>
        type.Contains("int", StringComparison.OrdinalIgnoreCase) || type.Contains("long", StringComparison.OrdinalIgnoreCase)
        || type.Contains("short", StringComparison.OrdinalIgnoreCase) || type.Contains("byte", StringComparison.OrdinalIgnoreCase);

    // The framework quotes a parameter as "<type> <name>" (e.g. "long id"); the type may hold spaces ("Nullable`1 x").
    [GeneratedRegex(@"parameter ""(?<type>[^""]*?)\s(?<name>[A-Za-z_][A-Za-z0-9_]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex Parameter();
}
