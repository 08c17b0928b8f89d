using System.Reflection;

namespace Telematics.Api.Problems;

/// <summary>
/// The form a JSON body's field is written in, found from the endpoint's request type and the path System.Text.Json
/// reports (<c>$.periodEnd</c>, <c>$.driverIds[0]</c>): its own message names the whole request record, not the field's
/// type, so it cannot tell the caller that <c>periodEnd</c> wants YYYY-MM-DD.
/// </summary>
internal static class JsonBodyField
{
    /// <summary>The field's form (<see cref="BadRequestWording.FormOf"/>), or null when the path or its type has none.</summary>
    /// <param name="requestType">The endpoint's body type (its accepts metadata), or null when unknown.</param>
    /// <param name="path">The JSON path of the value that could not be read.</param>
    public static string? FormAt(Type? requestType, string? path)
    {
        if (requestType is null || path is null || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return null;
        }

        var type = requestType;
        foreach (var segment in path[2..].Split('.'))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var name = bracket >= 0 ? segment[..bracket] : segment;
            var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return null;
            }

            type = property.PropertyType;
            if (bracket >= 0)
            {
                type = ElementType(type);
                if (type is null)
                {
                    return null;
                }
            }
        }

        return BadRequestWording.FormOf((Nullable.GetUnderlyingType(type) ?? type).Name);
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericArguments() is [var element] ? element
        : null;
}
