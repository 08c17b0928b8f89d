using System.Text.Json;
using Telematics.Api.Endpoints;
using Telematics.Features.Schema;

namespace Telematics.Api.OpenApi;

/// <content>Risk scores and premiums.</content>
internal static partial class ApiExamples
{
    private static readonly DateTimeOffset ScoredAt = new(2026, 3, 31, 2, 15, 7, TimeSpan.Zero);

    private static RiskScoreResponse Score { get; } = new(
        DriverId, ScoreId: 88213, Score: 38.4, Category: "good", RawOutput: 38.4, Model: "builtin-rules", ModelVersion: "1", Experiment: null, Variant: null,
        ReferenceScore: 40.7, ScoredAt, PeriodStart, PeriodEnd, OutOfRangeShare: null, Confidence: "unknown", Interval: null, ObservedDays: 30);

    private static PremiumResponse Premium { get; } = new(40517, DriverId, 88213, ScoredAt, "EUR", 620.00m, 517.00m);

    // The stored breakdown of Premium: base 620 × risk 0.92 × mileage 0.95 − 25 no-phone discount, rounded to whole euros.
    private static JsonElement Breakdown { get; } = JsonDocument.Parse("""
        {"plan": "ubi-standard-2027", "currency": "EUR", "premium": 517.00, "score": 38.4, "annual_km": 9884.2, "region": "DE-BY",
         "age_band": "40_64", "vehicle_class": "family", "rounding": "nearest_1",
         "steps": [
           {"name": "base_rate", "kind": "base", "value": 620.00, "running_total": 620.00, "detail": "region DE-BY"},
           {"name": "risk_multiplier", "kind": "multiply", "value": 0.92, "running_total": 570.40, "detail": "score 38.4 → factor 0.92"},
           {"name": "mileage", "kind": "multiply", "value": 0.95, "running_total": 541.88, "detail": "9,884 km a year: band 5,000–10,000 km"},
           {"name": "discount:no_phone", "kind": "add", "value": -25.00, "running_total": 516.88, "detail": "phone handling under 0.5 min per hour"},
           {"name": "rounding", "kind": "add", "value": 0.12, "running_total": 517.00, "detail": "to the nearest 1"}
         ]}
        """).RootElement.Clone();

    private static void AddRisk(Dictionary<Type, object> examples)
    {
        Add(examples, Score);
        Add(examples, new BreakdownResponse(Score,
        [
            new FactorResponse(TelematicsFeatures.HarshBrakingPer100Km, "per_100km", "Harsh braking events per 100 km.", 5.2, 1.4, 4.6),
            new FactorResponse(TelematicsFeatures.PhoneMinutesPerHour, "min/h", "Minutes of phone handling per hour of driving whose phone use was recorded; missing (NaN) when none was.", 0.3, 0.8, -3.2),
            new FactorResponse(TelematicsFeatures.LateNightShare, "share_km", "Share of distance driven 00:00–04:00 local time.", 0.0, 0.03, -1.9),
            new FactorResponse(TelematicsFeatures.SpeedingShare, "share_time", "Share of driving time over the limit by the tolerance.", 0.021, 0.034, -1.8),
        ]));
        Add(examples, new ScorePage(1, 50, [Score, Score with { ScoreId = 80544, Score = 42.9, Category = "average", RawOutput = 42.9, ScoredAt = ScoredAt.AddMonths(-1), PeriodStart = PeriodStart.AddMonths(-1), PeriodEnd = PeriodStart }]));
        Add(examples, new TrendResponse(DriverId,
        [
            new TrendPoint(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), 45.1, 1),
            new TrendPoint(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), 42.9, 1),
            new TrendPoint(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), 38.4, 1),
        ]));
        Add(examples, new RecommendationsResponse(DriverId, 88213,
        [
            new RecommendationResponse(TelematicsFeatures.HarshBrakingPer100Km, "improve", 4.6, 5.2, 1.4,
                "You brake hard about 5 times per 100 km, most drivers under 2: leave more distance to the car ahead."),
        ]));
        Add(examples, new RecalculateResponse(Score, Premium, 46, 9884.2));
        Add(examples, new BatchCalculateRequest([1042, 1043, 1051], 30));
        Add(examples, new BatchSummaryResponse(
            Count: 3, Scored: 2, Failures: [new BatchFailureResponse(1051, "no trips in the period")], Mean: 41.6, P50: 41.6, P95: 44.5,
            ByCategory: new Dictionary<string, int>(StringComparer.Ordinal) { ["good"] = 1, ["average"] = 1 },
            ByModelVersion: new Dictionary<string, int>(StringComparer.Ordinal) { ["builtin-rules@1"] = 2 },
            ByVariant: new Dictionary<string, int>(StringComparer.Ordinal)));
    }

    private static void AddPricing(Dictionary<Type, object> examples)
    {
        Add(examples, Premium);
        Add(examples, new PremiumPage(1, 50, [Premium, Premium with { PremiumId = 38120, ScoreId = 80544, EffectiveAt = ScoredAt.AddMonths(-1), FinalAmount = 539.00m }]));
        Add(examples, new PremiumBreakdownResponse(Premium, Breakdown));
        Add(examples, new SimulateRequest(
            new Dictionary<string, double>(StringComparer.Ordinal) { [TelematicsFeatures.HarshBrakingPer100Km] = 1.5, [TelematicsFeatures.PhoneMinutesPerHour] = 0 },
            Score: null, AnnualKm: 12000, Region: null, AgeBand: "25_39", VehicleClass: null));
        Add(examples, new SimulateResponse(31.9, "good", true, 12000, "DE-BY", 489.00m, "EUR", 517.00m, Breakdown));
    }
}
