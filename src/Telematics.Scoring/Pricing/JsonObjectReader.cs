using System.Text.Json;

namespace Telematics.Scoring.Pricing;

/// <summary>Reads the properties of one JSON object, remembering which were read so that unknown ones can be refused by path.</summary>
internal sealed class JsonObjectReader
{
    private readonly string _path;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public JsonObjectReader(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new PricingPlanException(path, $"must be a JSON object; found {element.ValueKind}.");
        }

        Element = element;
        _path = path;
    }

    public JsonElement Element { get; }

    public string RequiredString(string name)
    {
        var value = Required(name);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new PricingPlanException(Field(name), $"must be a string; found {value.ValueKind}.");
    }

    public string? OptionalString(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new PricingPlanException(Field(name), $"must be a string; found {value.ValueKind}.");
    }

    public int RequiredInt(string name)
    {
        var value = Required(name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new PricingPlanException(Field(name), $"must be a whole number; found {value.GetRawText()}.");
    }

    public decimal RequiredDecimal(string name) => Decimal(Required(name), Field(name));

    public decimal? OptionalDecimal(string name) =>
        TryGet(name, out var value) && value.ValueKind != JsonValueKind.Null ? Decimal(value, Field(name)) : null;

    public JsonObjectReader RequiredObject(string name) => new(Required(name), Field(name));

    public JsonElement RequiredObjectElement(string name) => RequiredObject(name).Element;

    public JsonObjectReader? OptionalObject(string name) =>
        TryGet(name, out var value) ? new JsonObjectReader(value, Field(name)) : null;

    public JsonElement RequiredArray(string name)
    {
        var value = Required(name);
        return value.ValueKind == JsonValueKind.Array ? value : throw new PricingPlanException(Field(name), "must be an array.");
    }

    public JsonElement? OptionalArray(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Array ? value : throw new PricingPlanException(Field(name), "must be an array.");
    }

    public void RefuseUnknown()
    {
        foreach (var property in Element.EnumerateObject())
        {
            if (!_read.Contains(property.Name))
            {
                throw new PricingPlanException(Field(property.Name), "is not a known property.");
            }
        }
    }

    public static decimal Decimal(JsonElement value, string field) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number)
            ? number
            : throw new PricingPlanException(field, $"must be a number; found {value.GetRawText()}.");

    private JsonElement Required(string name) =>
        TryGet(name, out var value) ? value : throw new PricingPlanException(Field(name), "is required.");

    private bool TryGet(string name, out JsonElement value)
    {
        _read.Add(name);
        return Element.TryGetProperty(name, out value);
    }

    private string Field(string name) => _path == "$" ? name : $"{_path}.{name}";
}
