using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Telematics.Api.OpenApi;

/// <summary>
/// One realistic example per request and response type of the API, keyed by CLR type, for the OpenAPI document
/// (<see cref="ExampleTransformer"/>). Built from the real records, so an example cannot drift from its schema without
/// the build failing. The figures are one demo driver's month: 1,042 is its id, March 2026 its period.
/// </summary>
/// <remarks>Each area's examples are in its own file (<c>ApiExamples.Area.cs</c>). Immutable and thread-safe.</remarks>
internal static partial class ApiExamples
{
    /// <summary>The driver the examples are about.</summary>
    private const long DriverId = 1042;

    /// <summary>The first day of the examples' period (UTC).</summary>
    private static readonly DateTimeOffset PeriodStart = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The instant after the examples' period (UTC).</summary>
    private static readonly DateTimeOffset PeriodEnd = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Finds the example of <paramref name="type"/>; for a list or array type without its own example, a one-item list
    /// of the element type's example.
    /// </summary>
    public static bool TryGet(Type type, [NotNullWhen(true)] out object? example)
    {
        if (Catalog.ByType.TryGetValue(type, out example))
        {
            return true;
        }

        var element = ElementType(type);
        if (element is not null && Catalog.ByType.TryGetValue(element, out var item))
        {
            var array = Array.CreateInstance(element, 1);
            array.SetValue(item, 0);
            example = array;
            return true;
        }

        example = null;
        return false;
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IReadOnlyList<>) || definition == typeof(IEnumerable<>) || definition == typeof(List<>))
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static FrozenDictionary<Type, object> Build()
    {
        var examples = new Dictionary<Type, object>();
        AddAuth(examples);
        AddDrivers(examples);
        AddRisk(examples);
        AddPricing(examples);
        AddModels(examples);
        AddAdmin(examples);
        AddExperiments(examples);
        return examples.ToFrozenDictionary();
    }

    private static void Add<T>(Dictionary<Type, object> examples, T example)
        where T : notnull => examples.Add(typeof(T), example);

    // Built on first use, after every static member of the partial files is initialized (their order across files is not defined).
    private static class Catalog
    {
        public static readonly FrozenDictionary<Type, object> ByType = Build();
    }
}
