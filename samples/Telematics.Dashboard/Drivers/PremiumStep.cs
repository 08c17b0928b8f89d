using System.Text.Json;

namespace Telematics.Dashboard.Drivers;

/// <summary>
/// One step of a premium's breakdown as the plan wrote it (an element of <c>breakdown.steps</c>): the steps table shows
/// them and the what-if asks whether the plan prices the claim frequency.
/// </summary>
/// <param name="Name">The step's <c>name</c>; empty when not a string.</param>
/// <param name="Kind">Its <c>kind</c> (how it applies); empty when not a string.</param>
/// <param name="Value">Its <c>value</c>; null when absent.</param>
/// <param name="RunningTotal">Its <c>running_total</c>; null when absent.</param>
/// <param name="Detail">Its <c>detail</c> (why); empty when not a string.</param>
internal sealed record PremiumStep(string Name, string Kind, decimal? Value, decimal? RunningTotal, string Detail)
{
    /// <summary>The steps of a premium's or simulation's <c>breakdown</c> object, in order; null when it holds no <c>steps</c> array.</summary>
    public static IReadOnlyList<PremiumStep>? Parse(JsonElement breakdown)
    {
        if (breakdown.ValueKind != JsonValueKind.Object || !breakdown.TryGetProperty("steps", out var steps) || steps.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var result = new List<PremiumStep>(steps.GetArrayLength());
        foreach (var step in steps.EnumerateArray())
        {
            result.Add(new PremiumStep(Text(step, "name"), Text(step, "kind"), Number(step, "value"), Number(step, "running_total"), Text(step, "detail")));
        }

        return result;
    }

    private static string Text(JsonElement step, string name) =>
        step.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;

    private static decimal? Number(JsonElement step, string name) =>
        step.TryGetProperty(name, out var value) && value.TryGetDecimal(out var number) ? number : null;
}
