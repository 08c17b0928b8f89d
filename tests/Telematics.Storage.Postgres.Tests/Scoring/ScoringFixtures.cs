using Microsoft.Extensions.DependencyInjection;

using Telematics.Features.Schema;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Experiments;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Service;
using Telematics.Scoring.Shipped;
using Telematics.Service.Scoring;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Scoring;
using Telematics.Storage.Postgres.Trips;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Scoring;

/// <summary>Builds a <see cref="StoredDriverScorer"/> on the built-in model and stores drivers with trips.</summary>
internal static class ScoringFixtures
{
    public static readonly DateTimeOffset PeriodStart = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset PeriodEnd = PeriodStart.AddDays(30);

    // The demo plan of docs/pricing/ubi-standard-2027.json, inline so the tests do not depend on the working directory.
    // A frequency relativity plan (as docs/pricing/ubi-relativity-2027.json, one cell): credibility d / (d + 60).
    public const string RelativityPlanJson = """
        {
          "name": "relativity-test", "currency": "EUR", "rounding": { "decimals": 2, "mode": "half_even" },
          "base_rate": { "default": 620.00 },
          "telematics_relativity": { "book_mean_frequency": 0.10257, "credibility_days": 60, "max_discount_percent": 30, "max_surcharge_percent": 50 }
        }
        """;

    public const string PlanJson = """
        {
          "name": "ubi-standard-2027", "currency": "EUR", "rounding": { "decimals": 2, "mode": "half_even" },
          "base_rate": { "default": 620.00, "regions": { "FR-75": 780.00, "FR-13": 700.00, "FR-35": 560.00 } },
          "risk_multiplier": { "kind": "exponential", "k": 0.6 },
          "mileage_bands": [ { "up_to_km": 5000, "factor": 0.75 }, { "up_to_km": 10000, "factor": 0.90 }, { "up_to_km": 20000, "factor": 1.00 },
                             { "up_to_km": 30000, "factor": 1.12 }, { "factor": 1.25 } ],
          "discounts": [
            { "name": "low_night_driving", "feature": "night_share", "when": "<=", "threshold": 0.05, "percent": 5, "cap": 40 },
            { "name": "no_phone", "feature": "phone_minutes_per_hour", "when": "<", "threshold": 0.5, "percent": 7.5, "cap": 60 },
            { "name": "smooth_braking", "feature": "harsh_braking_per_100km", "when": "<=", "threshold": 1.0, "percent": 5 }
          ],
          "total_discount_cap_percent": 15, "floor": 250.00, "ceiling": 3000.00
        }
        """;

    /// <summary>
    /// A scorer on the built-in model, or on the model directory <paramref name="shippedModelDirectory"/> when given, serving
    /// <paramref name="defaultModel"/> (the shipped model's name unless given).
    /// </summary>
    public static StoredDriverScorer NewScorer(
        PostgresDatabase database, ExperimentDefinition? experiment = null, TimeProvider? time = null, bool domainEvents = false, string? planJson = null,
        string? shippedModelDirectory = null, string? defaultModel = null)
    {
        var services = new ServiceCollection();
        services.AddTelematicsScoring(builder =>
        {
            if (shippedModelDirectory is not null)
            {
                builder.UseModelDirectory(shippedModelDirectory).UseDefaultModel(defaultModel ?? ShippedModel.Name);
            }

            if (experiment is not null)
            {
                builder.UseExperiment(experiment);
            }
        });
        var provider = services.BuildServiceProvider();
        return new StoredDriverScorer(
            new PostgresScoreStore(database.DataSource, TimeProvider.System) { WriteDomainEvents = domainEvents },
            provider.GetRequiredService<ExperimentScorer>(),
            provider.GetRequiredService<BatchScorer>(),
            // The shipped model outputs a claim frequency, which only a relativity plan prices.
            new StoredScoringOptions { Plan = PricingPlanJson.Parse(planJson ?? (shippedModelDirectory is null ? PlanJson : RelativityPlanJson)), Experiment = experiment?.Name },
            time ?? TimeProvider.System);
    }

    public static async Task<long> NewDriverAsync(PostgresDatabase database, string reference) =>
        (await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync(reference, "Driver " + reference, Actor)).DriverId;

    /// <summary>A trip vector: <paramref name="km"/> in <paramref name="hours"/> with the given night share and harsh-braking rate, other features typical.</summary>
    public static float[] TripVector(double km, double hours, double nightShare, double harshBrakingPer100Km)
    {
        var v = new float[TelematicsFeatures.Schema.Count];
        Set(v, TelematicsFeatures.DistanceKm, km);
        Set(v, TelematicsFeatures.DrivingHours, hours);
        Set(v, TelematicsFeatures.TripCount, 1);
        Set(v, TelematicsFeatures.MeanTripKm, km);
        Set(v, TelematicsFeatures.NightShare, nightShare);
        Set(v, TelematicsFeatures.MeanSpeedKmh, km / hours);
        Set(v, TelematicsFeatures.P95SpeedKmh, km / hours * 1.4);
        Set(v, TelematicsFeatures.HarshBrakingPer100Km, harshBrakingPer100Km);
        Set(v, TelematicsFeatures.PrimaryRoadShare, 1);
        return v;
    }

    /// <summary>Stores <paramref name="count"/> daily trips of the driver inside the period, measured from samples (<see cref="MeasuredTrips"/>).</summary>
    public static async Task AddTripsAsync(PostgresDatabase database, long driverId, int count, double km = 20, double nightShare = 0.02, double harsh = 0.5)
    {
        var trips = new TripRepository(database.DataSource, TimeProvider.System);
        for (var i = 0; i < count; i++)
        {
            await trips.WriteClosedTripAsync(driverId, MeasuredTrips.Create(PeriodStart.AddDays(i), km, 0.5, nightShare, harsh), Actor);
        }
    }

    private static void Set(float[] vector, string feature, double value) => vector[TelematicsFeatures.Schema.IndexOf(feature)] = (float)value;
}
