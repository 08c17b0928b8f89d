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
    private static string NotValid(string type) => NotValidParameter(FormOf(type));

    /// <summary>What a parameter whose value cannot be used is told, with the form it should take when there is one.</summary>
    /// <param name="form">The form (<see cref="FormOf"/>), or null for none.</param>
    public static string NotValidParameter(string? form) =>
        form is null ? "The value is not valid for this parameter." : $"The value is not valid for this parameter: give {form}.";

    /// <summary>
    /// The form a value of <paramref name="type"/> is written in, as a caller reads it ("a whole number", "a date as
    /// YYYY-MM-DD, …"), or null for a type without one simple form. The type is as a framework message names it: "long",
    /// "DateOnly?", "Nullable&lt;DateOnly&gt;", "System.Nullable`1[System.DateOnly]", "System.Int64[]".
    /// </summary>
    public static string? FormOf(string type) => SimpleName(type) switch
    {
        "DateOnly" => IsoQueryTimesFilter.DateForm,
        "DateTime" or "DateTimeOffset" => IsoQueryTimesFilter.InstantForm,
        "Guid" => "a UUID",
        "bool" or "Boolean" => "true or false",
        "int" or "long" or "short" or "byte" or "sbyte" or "uint" or "ulong" or "ushort"
            or "Int16" or "Int32" or "Int64" or "Byte" or "SByte" or "UInt16" or "UInt32" or "UInt64" => "a whole number",
        "double" or "float" or "decimal" or "Double" or "Single" or "Decimal" => "a number, with '.' as the decimal point",
        _ => null,
    };

    // The innermost type's name without namespace, nullability or array brackets: "System.Nullable`1[System.Int64]" → "Int64".
    private static string SimpleName(string type)
    {
        var name = type.Trim();
        var open = name.LastIndexOfAny(['[', '<']);
        if (open >= 0 && open + 1 < name.Length && name[open + 1] != ']')
        {
            name = name[(open + 1)..];
        }

        name = name.TrimEnd(']', '>', '?', '[');
        return name[(name.LastIndexOf('.') + 1)..];
    }

    // The framework quotes a parameter as "<type> <name>" (e.g. "long id"); the type may hold spaces ("Nullable`1 x").
    [GeneratedRegex(@"parameter ""(?<type>[^""]*?)\s(?<name>[A-Za-z_][A-Za-z0-9_]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex Parameter();
}
