using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.Pricing;
using Telematics.Training.Datasets;
using Telematics.Training.Pricing;
using Telematics.Training.Synthetic;

namespace Telematics.Training.Tests.Pricing;

public sealed class ClassicalRelativityFitTests
{
    /// <summary>
    /// One region; true λ = 0.06 · exp(age effect + vehicle effect + 0.4·style), under-25s driving with a worse style on
    /// average. The "model" reads the style only, as the telematics model reads driving and never age: it carries part of
    /// the young drivers' excess risk (through their style) and misses the rest.
    /// </summary>
    internal static (TrainingDataset Data, double[] Predicted) Population(int drivers = 40_000, ulong seed = 3)
    {
        var rng = Xoshiro256.ForStream(seed, 0);
        var classical = new ClassicalFactors[drivers];
        var exposure = new double[drivers];
        var claims = new int[drivers];
        var lambda = new double[drivers];
        var predicted = new double[drivers];
        for (var i = 0; i < drivers; i++)
        {
            var age = (AgeBand)rng.Pick([0.12, 0.35, 0.88, 1.0]);
            var vehicle = (VehicleClass)rng.Pick([0.3, 0.7, 0.95, 1.0]);
            var style = rng.Normal() + (age == AgeBand.Under25 ? 0.8 : 0);
            classical[i] = new ClassicalFactors(age, "suburban", vehicle, 12_000);
            lambda[i] = 0.06 * Math.Exp(ClaimFrequencyModel.AgeEffect(age) + ClaimFrequencyModel.VehicleEffect(vehicle) + (0.4 * style));
            predicted[i] = 0.07 * Math.Exp(0.4 * style);
            exposure[i] = 0.5 + (0.5 * rng.NextDouble());
            claims[i] = rng.Poisson(lambda[i] * exposure[i]);
        }

        var data = new TrainingDataset(
            [.. Enumerable.Range(0, drivers).Select(i => $"C{i}")], new float[drivers * TrainingDataset.FeatureCount], classical, exposure, claims, lambda);
        return (data, predicted);
    }

    [Fact]
    public void The_model_alone_under_predicts_young_drivers_and_the_corrected_price_balances_every_age_band_and_vehicle_class()
    {
        var (data, predicted) = Population();

        var fit = ClassicalRelativityFit.Fit(data, predicted);

        var young = Assert.Single(fit.Balance, b => b is { Attribute: "age band", Group: "under25" });
        Assert.True(young.RatioBefore < 0.85, $"the model alone should under-predict under-25s, got {young.RatioBefore:F3}");
        Assert.All(fit.Balance, b => Assert.Equal(1.0, b.RatioAfter, 6));
        Assert.Equal(["age band", "vehicle class", "region"], fit.Balance.Select(b => b.Attribute).Distinct());
        Assert.True(fit.AgeBandRelativities["under25"] > 1.5 * fit.AgeBandRelativities["40_64"]);
    }

    [Fact]
    public void Relativities_have_an_exposure_weighted_mean_of_one_and_cell_means_are_the_mean_prediction_of_the_cell()
    {
        var (data, predicted) = Population(drivers: 20_000);

        var fit = ClassicalRelativityFit.Fit(data, predicted);

        double weighted = 0, total = 0, cell = 0, cellExposure = 0;
        for (var i = 0; i < data.Count; i++)
        {
            var f = data.Classical(i);
            weighted += data.ExposureYears[i] * fit.AgeBandRelativities[f.AgeBand.Code()];
            total += data.ExposureYears[i];
            if (f is { AgeBand: AgeBand.Over65, VehicleClass: VehicleClass.Suv })
            {
                cell += data.ExposureYears[i] * predicted[i];
                cellExposure += data.ExposureYears[i];
            }
        }

        Assert.Equal(1.0, weighted / total, 9);
        Assert.Equal(cell / cellExposure, fit.CellMeanFrequency["*/over65/suv"], 9);
    }

    [Fact]
    public void A_cell_with_too_few_drivers_falls_back_to_its_age_band()
    {
        var (data, predicted) = Population(drivers: 600);

        var fit = ClassicalRelativityFit.Fit(data, predicted);

        // About 600 × 0.12 × 0.05 = 4 young drivers in performance cars: below the 30 a cell needs.
        Assert.False(fit.CellMeanFrequency.ContainsKey("*/under25/performance"));
        Assert.Equal(fit.CellMeanFrequency["*/under25/*"], fit.MeanFrequencyFor(new ClassicalFactors(AgeBand.Under25, "suburban", VehicleClass.Performance, 12_000)));
    }

    [Fact]
    public void The_plan_fragment_is_accepted_by_a_plan_and_priced_by_PremiumCalculator_the_book_balances_by_age_band()
    {
        var (data, predicted) = Population();
        var fit = ClassicalRelativityFit.Fit(data, predicted);

        // Full credibility and no caps in effect, so the premium is base × classical relativities × λ / λ̄ of the cell.
        var plan = JsonNode.Parse("""
            { "name": "fitted", "currency": "EUR", "rounding": { "decimals": 4 }, "base_rate": { "default": 1000 },
              "telematics_relativity": { "credibility_days": 0.0001, "max_discount_percent": 99.99, "max_surcharge_percent": 1000 } }
            """)!.AsObject();
        var fragment = JsonNode.Parse(fit.ToPlanFragment())!.AsObject();
        plan["classical_relativities"] = fragment["classical_relativities"]!.DeepClone();
        foreach (var (name, value) in fragment["telematics_relativity"]!.AsObject())
        {
            plan["telematics_relativity"]![name] = value!.DeepClone();
        }

        var pricing = PricingPlanJson.Parse(plan.ToJsonString());
        var premiums = new Dictionary<string, (double Premium, double Claims)>(StringComparer.Ordinal);
        var features = new float[TelematicsFeatures.Schema.Count];
        double bookPremium = 0, bookClaims = 0;
        for (var i = 0; i < data.Count; i++)
        {
            var f = data.Classical(i);
            var cell = new RatingCell("FR-75", f.AgeBand.Code(), f.VehicleClass.Code());
            var quote = PremiumCalculator.Calculate(pricing, 50, new ModelFrequency(predicted[i], 36_500), 12_000, cell, TelematicsFeatures.Schema, features);
            var earned = (double)quote.Premium * data.ExposureYears[i];
            var (p, c) = premiums.GetValueOrDefault(f.AgeBand.Code());
            premiums[f.AgeBand.Code()] = (p + earned, c + data.Claims[i]);
            bookPremium += earned;
            bookClaims += data.Claims[i];
        }

        // Premium per observed claim is the same in every age band (the plan's rounding of factors aside).
        foreach (var (band, (premium, claims)) in premiums)
        {
            Assert.True(Math.Abs((premium / claims) / (bookPremium / bookClaims) - 1) < 0.005, $"{band}: premium per claim {premium / claims:F1} against the book's {bookPremium / bookClaims:F1}");
        }
    }

    [Fact]
    public void A_level_without_claims_is_not_rated_and_the_rated_levels_still_balance()
    {
        var (data, predicted) = Population(drivers: 5_000);
        var claims = data.Claims.ToArray();
        var classical = Enumerable.Range(0, data.Count).Select(data.Classical).ToArray();
        for (var i = 0; i < claims.Length; i++)
        {
            claims[i] = classical[i].VehicleClass == VehicleClass.Performance ? 0 : claims[i];
        }

        var noPerformanceClaims = new TrainingDataset(
            [.. data.DriverIds], data.AllFeatures.ToArray(), classical, data.ExposureYears.ToArray(), claims, null);

        var fit = ClassicalRelativityFit.Fit(noPerformanceClaims, predicted);

        Assert.False(fit.VehicleClassRelativities.ContainsKey("performance"));
        Assert.All(fit.VehicleClassRelativities.Values, r => Assert.InRange(r, 0.5, 2));
        // The drivers of the unrated class are left out of the fit (priced at factor 1), so the rated classes balance exactly.
        Assert.All(fit.Balance.Where(b => b is { Attribute: "vehicle class", Group: not "performance" }), b => Assert.Equal(1.0, b.RatioAfter, 6));
        var young = Assert.Single(fit.Balance, b => b is { Attribute: "age band", Group: "under25" });
        Assert.True(Math.Abs(young.RatioAfter - 1) < Math.Abs(young.RatioBefore - 1) / 4, $"under-25 after {young.RatioAfter:F3}, before {young.RatioBefore:F3}");
    }

    [Fact]
    public void The_training_codes_are_the_pricing_codes()
    {
        Assert.Equal(RatingFactorCodes.AgeBands, Enum.GetValues<AgeBand>().Select(b => b.Code()));
        Assert.Equal(RatingFactorCodes.VehicleClasses, Enum.GetValues<VehicleClass>().Select(v => v.Code()));
    }

    [Fact]
    public void Predictions_that_do_not_match_the_drivers_are_refused()
    {
        var (data, predicted) = Population(drivers: 100);

        Assert.Throws<ArgumentException>(() => ClassicalRelativityFit.Fit(data, predicted[..50]));
        predicted[7] = 0;
        Assert.Contains("C7", Assert.Throws<ArgumentException>(() => ClassicalRelativityFit.Fit(data, predicted)).Message, StringComparison.Ordinal);
    }
}
