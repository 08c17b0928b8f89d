using Telematics.Api.Auth;
using Telematics.Api.Endpoints;
using Telematics.Storage.Postgres.Dashboard;

namespace Telematics.Api.OpenApi;

/// <content>Authentication, models and the admin group.</content>
internal static partial class ApiExamples
{
    private static readonly DateTimeOffset LoadedAt = new(2026, 3, 28, 6, 0, 12, TimeSpan.Zero);

    private static ModelSummary Rules { get; } = new("builtin-rules", "1",
    [
        new ModelVersionInfo("1", "rules", ["champion"], LoadedAt, "builtin", "9f2c41d07be35a8e6b1a4c0d2e7f8a91b3c5d6e7f8091a2b3c4d5e6f708192a3", 40.7),
    ]);

    private static void AddAuth(Dictionary<Type, object> examples)
    {
        Add(examples, new TokenRequest("alice", "driver", "1042"));
        Add(examples, new IssuedToken("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsInJvbGUiOiJkcml2ZXIifQ.example-signature", "Bearer",
            new DateTimeOffset(2026, 3, 31, 10, 0, 0, TimeSpan.Zero), 3600));
        Add(examples, new CurrentUser("alice", "driver", ["drivers:read", "telematics:write", "risk:read", "pricing:read", "locations:read"], "1042"));
    }

    private static void AddModels(Dictionary<Type, object> examples)
    {
        Add(examples, Rules);
        Add(examples, new ModelCatalog(true, "builtin-rules", 3, LoadedAt, [], null, [Rules]));
        Add(examples, new AliasRequest("champion", "1"));
    }

    private static void AddAdmin(Dictionary<Type, object> examples)
    {
        var from = new DateOnly(2026, 3, 1);
        var to = new DateOnly(2026, 3, 31);
        Add(examples, new DashboardSummaryResponse(from, to, 500, 14_820, 261_904.5, 496, 44.8, [new PremiumTotalResponse("EUR", 496, 271_346.00m)]));
        long[] drivers = [12, 58, 71, 96, 103, 77, 41, 26, 9, 3];
        var buckets = new HistogramBucket[drivers.Length];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = new HistogramBucket(i * 10, (i + 1) * 10, drivers[i]);
        }

        Add(examples, new RiskDistributionResponse(from, to, 496, buckets, new CategoryCounts(70, 167, 180, 67, 12)));
        Add(examples, new BookDriverPageResponse(1, 20, 500,
        [
            new BookDriverResponse(1187, "Driver 1187", "POL-2026-001187", 91.2, "high", 1_184.60m, "EUR", new DateTimeOffset(2026, 3, 31, 22, 41, 0, TimeSpan.Zero),
                "FR-75", "under25", "performance", new ScoreIntervalResponse(84.6, 96.3, 0.9, Settled: true, "high", "high")),
            new BookDriverResponse(DriverId, "Driver 1042", "POL-2026-001042", 47.9, "average", 612.40m, "EUR", new DateTimeOffset(2026, 3, 30, 8, 12, 0, TimeSpan.Zero),
                "FR-13", "40_64", "family", new ScoreIntervalResponse(35.2, 61.8, 0.9, Settled: false, "good", "below_average")),
        ]));
        Add(examples, new TripActivityResponse(from, new DateOnly(2026, 3, 3),
        [
            new TripActivityDay(from, 512, 9_041.2),
            new TripActivityDay(new DateOnly(2026, 3, 2), 488, 8_676.0),
            new TripActivityDay(new DateOnly(2026, 3, 3), 471, 8_390.7),
        ]));
        Add(examples, new AuditPage(2, null, 90_311,
        [
            new AuditEntryResponse(90_312, new DateTimeOffset(2026, 3, 31, 8, 4, 51, TimeSpan.Zero), "api:carol", "model.promote", "model/claims-gbm",
                "{\"alias\": \"champion\", \"version\": \"2026.02\"}", "{\"alias\": \"champion\", \"version\": \"2026.03\"}", "10.20.0.14", null),
            new AuditEntryResponse(90_311, new DateTimeOffset(2026, 3, 31, 2, 15, 7, TimeSpan.Zero), "cli:batch-score", "premium.change", "driver/1042",
                "{\"final_amount\": 539.00}", "{\"final_amount\": 517.00}", null, null),
        ]));
        const string Head = "5be0c1d2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0";
        Add(examples, new AuditVerificationResponse(true, 90_312, Head, true, 31, 90_240, 31, false, null, null, $"audit log intact: 90312 rows, head {Head}, 31 anchors verified, 31 found in the journal; rows 90241–90312 not yet anchored"));
        Add(examples, new PartitionResponse("telematics_events_2026_03", "[2026-03-01, 2026-04-01)", 41_277_305, 6_912_483_328));
    }
}
