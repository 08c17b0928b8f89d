using System.Text.Json;

using Telematics.Dashboard.Api;

namespace Telematics.Dashboard.Tests.Api;

/// <summary>The dashboard's records read the API's JSON as the API writes it, nulls included.</summary>
public sealed class ApiModelsTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void A_breakdown_whose_factor_has_no_value_reads_with_a_null_value()
    {
        // As GET /risk/{id}/breakdown answers for a driver without speed limits: speeding_share is NaN, sent as null.
        const string json = """
            {"score": {"driverId": 1, "scoreId": 2, "score": 41.5, "category": "good", "model": "m", "modelVersion": "1",
                       "referenceScore": 50, "scoredAt": "2026-03-01T00:00:00Z", "periodStart": "2026-02-01T00:00:00Z",
                       "periodEnd": "2026-03-01T00:00:00Z", "confidence": "high", "interval": null},
             "factors": [{"feature": "speeding_share", "unit": "share_time", "description": "d", "value": null, "reference": 0.05, "points": -1.2}]}
            """;

        var breakdown = JsonSerializer.Deserialize<ScoreBreakdown>(json, Web)!;

        // The value is kept as missing (written back, null again), not made up as 0.
        Assert.Equal("null", JsonSerializer.Serialize(Assert.Single(breakdown.Factors).Value, Web));
    }
}
