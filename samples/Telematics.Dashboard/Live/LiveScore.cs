using System.Text.Json;

namespace Telematics.Dashboard.Live;

/// <summary>
/// A score as the hub's <c>RiskScoreCalculated</c> message tells it: the figure and, for a model with sampling noise, the
/// ends of its 90 % interval, whether the category is settled and the categories of the ends (all null otherwise).
/// </summary>
public sealed record LiveScore(
    long DriverId, double Score, string Category, DateTimeOffset ScoredAt, double? ScoreLow, double? ScoreHigh, bool? CategorySettled,
    string? LowCategory, string? HighCategory)
{
    /// <summary>The message's score, or null when it is not one this dashboard can read (a newer or broken payload).</summary>
    public static LiveScore? From(JsonElement message)
    {
        try
        {
            return message.Deserialize<LiveScore>(JsonSerializerOptions.Web) is { Category: not null } score ? score : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
