using Telematics.Api.Endpoints;
using Telematics.Api.Ingest;
using Telematics.Api.Insights;
using Telematics.Features.Schema;

namespace Telematics.Api.OpenApi;

/// <content>Drivers, their insights, ingest and trips.</content>
internal static partial class ApiExamples
{
    private static readonly DateTimeOffset Registered = new(2025, 11, 4, 9, 12, 40, TimeSpan.Zero);

    private static DriverResponse Driver { get; } = new(
        DriverId, "POL-2025-004417", "Maria Keller", Registered, new DateTimeOffset(2026, 2, 2, 16, 5, 0, TimeSpan.Zero), "FR-75", "Europe/Paris", "40_64", "family");

    private static TripResponse Trip(long tripId, DateTimeOffset startedAt, double km, double minutes, int harshBrakes, IReadOnlyDictionary<string, float?>? features) =>
        new(tripId, DriverId, startedAt, startedAt.AddMinutes(minutes), km, minutes, (int)(minutes * 60), harshBrakes, 0, 1, features);

    private static TripSummaryResponse March { get; } = new(PeriodStart, PeriodEnd, 46, 812.4, 17.9, [new MonthTotals("2026-03", 46, 812.4, 17.9)]);

    private static void AddDrivers(Dictionary<Type, object> examples)
    {
        Add(examples, new CreateDriverRequest("POL-2025-004417", "Maria Keller", "FR-75", "Europe/Paris", "40_64", "family"));
        Add(examples, new UpdateDriverRequest { DisplayName = "Maria Keller-Brandt", Region = "FR-13", TimeZone = "Europe/Paris", VehicleClass = "suv" });
        Add(examples, Driver);
        Add(examples, new DriverPage(1, 50, [Driver]));

        Add(examples, UploadSamples);
        Add(examples, new StreamIngestResponse(
            DriverId, [Guid.Parse("0193a5b2-7c41-7d3e-9f00-1234567890ab"), Guid.Parse("0193a5b2-7c52-7a10-8c3d-0badc0ffee42")], 9800, 0, [], "accepted", [], 0));
        Add(examples, new IngestBatchResponse(
            Guid.Parse("0193a5b2-7c52-7a10-8c3d-0badc0ffee42"), DriverId, "stored", new DateTimeOffset(2026, 3, 3, 8, 4, 12, 381, TimeSpan.Zero)));
        Add(examples, new IngestResponse(DriverId, 5400, 5396, 3, 1, [new RejectedRecord(2817, "lat", "lat must be −90…90 degrees; got 148.2.")], 3, 3, 61.7, null,
            [new ReadWarning(1204, "road_class", "trunk_link", "not a road class the mapping knows; read as unknown road", 41)], 41));

        // A 24-minute commute logged at 100 Hz, uploaded after its trip was stored: the trip is re-measured under a new id.
        Add(examples, new PhoneRecordingResponse(
            DriverId, false, 9, 5, 3, 22.85, new DateTimeOffset(2026, 3, 3, 8, 0, 4, TimeSpan.Zero), new DateTimeOffset(2026, 3, 3, 8, 24, 10, TimeSpan.Zero),
            [88231], [88240], 0));

        var features = new Dictionary<string, float?>(StringComparer.Ordinal);
        foreach (var feature in TelematicsFeatures.Schema.Features)
        {
            features[feature.Name] = 0f;
        }

        features[TelematicsFeatures.DistanceKm] = 18.6f;
        features[TelematicsFeatures.DrivingHours] = 0.43f;
        features[TelematicsFeatures.TripCount] = 1f;
        features[TelematicsFeatures.MeanTripKm] = 18.6f;
        features[TelematicsFeatures.RushHourShare] = 1f;
        features[TelematicsFeatures.MeanSpeedKmh] = 43.3f;
        features[TelematicsFeatures.P95SpeedKmh] = 78.1f;
        features[TelematicsFeatures.SpeedingShare] = 0.021f;
        features[TelematicsFeatures.HarshBrakingPer100Km] = 5.38f;
        features[TelematicsFeatures.HarshCorneringPer100Km] = 5.38f;
        features[TelematicsFeatures.MeanAbsJerkMps3] = 0.61f;
        features[TelematicsFeatures.P95AbsJerkMps3] = 2.2f;
        features[TelematicsFeatures.P95LateralG] = 0.24f;
        features[TelematicsFeatures.PrimaryRoadShare] = 0.58f;
        features[TelematicsFeatures.LocalRoadShare] = 0.42f;
        features[TelematicsFeatures.GpsGapShare] = 0.004f;
        features[TelematicsFeatures.HighRiskAreaShare] = null;
        var started = new DateTimeOffset(2026, 3, 30, 7, 42, 10, TimeSpan.Zero);
        var trip = Trip(731944, started, 18.6, 25.8, 1, features) with
        {
            Manoeuvres =
            [
                new TripManoeuvreResponse("harsh_braking", started.AddSeconds(412.3), started.AddSeconds(414.1), started.AddSeconds(413.2), 4.71f, 1.39f, null, null),
                new TripManoeuvreResponse("phone_handling", started.AddSeconds(655.0), started.AddSeconds(671.4), null, null, null, 2.84f, false),
                new TripManoeuvreResponse("harsh_right_turn", started.AddSeconds(902.6), started.AddSeconds(905.9), started.AddSeconds(904.1), 4.35f, 1.12f, null, null),
            ],
        };
        Add(examples, trip);
        Add(examples, new TripPathResponse(731922,
            [[48.85660, 2.35220], [48.85712, 2.35395], [48.85801, 2.35611], [48.85920, 2.35790]],
            [new TripPathEventResponse("harsh_braking", new DateTimeOffset(2026, 3, 30, 8, 14, 21, TimeSpan.Zero), 48.85801, 2.35611, -4.2f)]));
        Add(examples, new TripPage(1, 50, PeriodStart, PeriodEnd, [trip with { Features = null, Manoeuvres = null }, Trip(731921, new DateTimeOffset(2026, 3, 29, 17, 3, 55, TimeSpan.Zero), 21.2, 31.4, 0, null)]));
        Add(examples, March);
        Add(examples, new StatisticsResponse(PeriodStart, PeriodEnd, 46,
        [
            new FeatureStatistic(TelematicsFeatures.DistanceKm, "km", 812.4f, null),
            new FeatureStatistic(TelematicsFeatures.MeanSpeedKmh, "km/h", 46.2f, 49.8f),
            new FeatureStatistic(TelematicsFeatures.HarshBrakingPer100Km, "per_100km", 5.2f, 1.4f),
            new FeatureStatistic(TelematicsFeatures.PhoneMinutesPerHour, "min/h", 0.3f, 0.8f),
        ], PopulationWithheld: null));
        Add(examples, new DriverSummaryResponse(
            Driver,
            new ScoreSummary(
                38.4, "good", new DateTimeOffset(2026, 3, 31, 2, 15, 7, TimeSpan.Zero), "telematics-frequency", "3", null,
                Interval: new ScoreIntervalResponse(26.7, 53.2, 0.9, Settled: false, "good", "average")),
            new PremiumSummary(517.00m, 620.00m, "EUR", new DateTimeOffset(2026, 3, 31, 2, 15, 7, TimeSpan.Zero)),
            March));
        Add(examples, new AlertsResponse(PeriodStart, PeriodEnd, 812.4,
        [
            new DriverAlert("harsh-braking", "warning", TelematicsFeatures.HarshBrakingPer100Km, 5.2, 4, "harsh braking events per 100 km: 5.2 (threshold 4)."),
        ]));
        Add(examples, new RiskFactorsResponse(new DateTimeOffset(2026, 3, 31, 2, 15, 7, TimeSpan.Zero), 38.4, "builtin-rules", "1",
        [
            new RiskFactor(TelematicsFeatures.HarshBrakingPer100Km, "raises", 4.6f, 5.2f),
            new RiskFactor(TelematicsFeatures.PhoneMinutesPerHour, "lowers", -3.2f, 0.3f),
            new RiskFactor(TelematicsFeatures.LateNightShare, "lowers", -1.9f, 0f),
        ]));
    }
}
