using System.Buffers;
using System.Text;
using System.Text.Json;

using Telematics.Scoring.Pricing;

namespace Telematics.Service.Scoring;

/// <summary>The JSON stored in <c>premiums.breakdown</c> for a premium priced from a risk score.</summary>
/// <remarks>
/// Shape: <c>{"plan", "currency", "premium", "score", "annual_km", "region", "age_band", "vehicle_class", "rounding",
/// "steps": [{"name", "kind", "value", "running_total", "detail"}]}</c>; amounts and factors are JSON numbers with the
/// exact decimal digits; <c>region</c> is null for the plan's default base rate, <c>age_band</c> and
/// <c>vehicle_class</c> null when not on record. Pure and thread-safe.
/// </remarks>
public static class PremiumBreakdownJson
{
    // One buffer and writer per thread, reused: a batch run writes a breakdown for every driver it prices.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Writes the breakdown of <paramref name="quote"/>.</summary>
    /// <param name="quote">The priced premium.</param>
    /// <param name="score">The risk score it was priced from, 0–100.</param>
    /// <param name="annualKm">The annualised distance it was priced with, km.</param>
    /// <param name="region">The region it was priced for; null for the plan's default.</param>
    /// <returns>The JSON object as text.</returns>
    public static string Write(PremiumQuote quote, double score, double annualKm, string? region) =>
        Write(quote, score, annualKm, RatingCell.OfRegion(region));

    /// <summary>Writes the breakdown of <paramref name="quote"/> with the driver's whole classical cell (<c>region</c>, <c>age_band</c>, <c>vehicle_class</c>).</summary>
    /// <param name="quote">The priced premium.</param>
    /// <param name="score">The risk score it was priced from, 0–100.</param>
    /// <param name="annualKm">The annualised distance it was priced with, km.</param>
    /// <param name="cell">The cell it was priced for; a part not on record is written as null.</param>
    /// <returns>The JSON object as text.</returns>
    public static string Write(PremiumQuote quote, double score, double annualKm, RatingCell cell)
    {
        ArgumentNullException.ThrowIfNull(quote);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(2048);
        buffer.ResetWrittenCount();
        var json = t_writer ??= new Utf8JsonWriter(buffer);
        json.Reset(buffer);
        Write(json, quote, score, annualKm, cell);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the breakdown of <paramref name="quote"/> as UTF-8 through <paramref name="json"/>, flushed on return.</summary>
    /// <param name="json">The writer; a store reuses one for a whole batch.</param>
    /// <param name="quote">The priced premium.</param>
    /// <param name="score">The risk score it was priced from, 0–100.</param>
    /// <param name="annualKm">The annualised distance it was priced with, km.</param>
    /// <param name="region">The region it was priced for; null for the plan's default.</param>
    public static void Write(Utf8JsonWriter json, PremiumQuote quote, double score, double annualKm, string? region) =>
        Write(json, quote, score, annualKm, RatingCell.OfRegion(region));

    /// <summary>Writes the breakdown of <paramref name="quote"/> with the driver's classical cell as UTF-8 through <paramref name="json"/>, flushed on return.</summary>
    /// <param name="json">The writer; a store reuses one for a whole batch.</param>
    /// <param name="quote">The priced premium.</param>
    /// <param name="score">The risk score it was priced from, 0–100.</param>
    /// <param name="annualKm">The annualised distance it was priced with, km.</param>
    /// <param name="cell">The cell it was priced for; a part not on record is written as null.</param>
    public static void Write(Utf8JsonWriter json, PremiumQuote quote, double score, double annualKm, RatingCell cell)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(quote);
        json.WriteStartObject();
        json.WriteString("plan", quote.PlanName);
        json.WriteString("currency", quote.Currency);
        json.WriteNumber("premium", quote.Premium);
        json.WriteNumber("score", Math.Round(score, 4));
        json.WriteNumber("annual_km", Math.Round(annualKm, 1));
        WriteNullable(json, "region", cell.Region);
        WriteNullable(json, "age_band", cell.AgeBand);
        WriteNullable(json, "vehicle_class", cell.VehicleClass);

        json.WriteString("rounding", quote.Rounding);
        json.WriteStartArray("steps");
        foreach (var step in quote.Steps)
        {
            json.WriteStartObject();
            json.WriteString("name", step.Name);
            json.WriteString("kind", step.Kind switch { PremiumStepKind.Base => "base", PremiumStepKind.Multiply => "multiply", _ => "add" });
            json.WriteNumber("value", step.Value);
            json.WriteNumber("running_total", step.RunningTotal);
            json.WriteString("detail", step.Detail);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
