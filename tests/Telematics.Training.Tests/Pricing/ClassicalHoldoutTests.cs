using Telematics.Training.Datasets;
using Telematics.Training.Pricing;

namespace Telematics.Training.Tests.Pricing;

public sealed class ClassicalHoldoutTests
{
    [Fact]
    public void The_holdout_table_is_the_claims_the_fitted_plan_prices_on_fresh_drivers()
    {
        var (train, trainPredicted) = ClassicalRelativityFitTests.Population(drivers: 20_000, seed: 3);
        var (holdout, holdoutPredicted) = ClassicalRelativityFitTests.Population(drivers: 8_000, seed: 4);
        var fit = ClassicalRelativityFit.Fit(train, trainPredicted);
        Assert.Equal(4, fit.AgeBandRelativities.Count);
        Assert.Equal(4, fit.VehicleClassRelativities.Count);

        var rows = ClassicalHoldout.Balance(fit, holdout, holdoutPredicted);

        // Independently: the plan prices relativities × λ / λ̄ of the cell (looked up here from the published table); the
        // level that turns this into claims is the one that makes the training book's priced claims equal its observed ones,
        // which the GLM's intercept guarantees when every level is rated.
        double trainObserved = 0, trainShape = 0;
        for (var i = 0; i < train.Count; i++)
        {
            trainObserved += train.Claims[i];
            trainShape += train.ExposureYears[i] * Shape(fit, train.Classical(i), trainPredicted[i]);
        }

        var level = trainObserved / trainShape;
        var expected = new Dictionary<string, (int Drivers, double Observed, double Model, double Priced)>(StringComparer.Ordinal);
        for (var i = 0; i < holdout.Count; i++)
        {
            var f = holdout.Classical(i);
            var model = holdout.ExposureYears[i] * holdoutPredicted[i];
            var priced = holdout.ExposureYears[i] * level * Shape(fit, f, holdoutPredicted[i]);
            foreach (var key in new[] { "age band/" + f.AgeBand.Code(), "vehicle class/" + f.VehicleClass.Code() })
            {
                var (d, o, m, p) = expected.GetValueOrDefault(key);
                expected[key] = (d + 1, o + holdout.Claims[i], m + model, p + priced);
            }
        }

        Assert.Equal(["under25", "25_39", "40_64", "over65", "small", "family", "suv", "performance"], rows.Select(r => r.Group));
        Assert.Equal(expected.Count, rows.Count);
        foreach (var row in rows)
        {
            var (drivers, observed, model, priced) = expected[row.Attribute + "/" + row.Group];
            Assert.Equal(drivers, row.Drivers);
            Assert.Equal(observed, row.ObservedClaims);
            Assert.Equal(1.0, row.ModelClaims / model, 9);
            Assert.Equal(1.0, row.CorrectedClaims / priced, 6);
        }
    }

    [Fact]
    public void Out_of_sample_the_correction_removes_the_young_drivers_shortfall_within_the_sampling_noise()
    {
        var (train, trainPredicted) = ClassicalRelativityFitTests.Population(drivers: 40_000, seed: 3);
        var (holdout, holdoutPredicted) = ClassicalRelativityFitTests.Population(drivers: 40_000, seed: 5);
        var fit = ClassicalRelativityFit.Fit(train, trainPredicted);

        var rows = ClassicalHoldout.Balance(fit, holdout, holdoutPredicted);

        var young = Assert.Single(rows, r => r is { Attribute: "age band", Group: "under25" });
        Assert.True(young.RatioBefore < 0.85, $"the model alone should under-predict under-25s on the holdout, got {young.RatioBefore:F3}");
        // Three Poisson standard errors of the observed count: the correction holds unless the noise is extreme.
        Assert.All(rows, r => Assert.True(Math.Abs(r.RatioAfter - 1) < 3 / Math.Sqrt(r.ObservedClaims),
            $"{r.Attribute} {r.Group}: priced / observed {r.RatioAfter:F3} on {r.ObservedClaims} claims"));
    }

    [Fact]
    public void Predictions_that_do_not_match_the_holdout_are_refused()
    {
        var (train, trainPredicted) = ClassicalRelativityFitTests.Population(drivers: 2_000, seed: 3);
        var (holdout, holdoutPredicted) = ClassicalRelativityFitTests.Population(drivers: 100, seed: 4);
        var fit = ClassicalRelativityFit.Fit(train, trainPredicted);

        Assert.Throws<ArgumentException>(() => ClassicalHoldout.Balance(fit, holdout, holdoutPredicted[..50]));
    }

    // What the plan multiplies for a driver, short of the level: relativities × λ / λ̄ of the finest cell with a mean of its own.
    private static double Shape(ClassicalRelativityFit fit, ClassicalFactors f, double predicted)
    {
        var (age, vehicle) = (f.AgeBand.Code(), f.VehicleClass.Code());
        var cells = fit.CellMeanFrequency;
        var mean = cells.TryGetValue($"*/{age}/{vehicle}", out var m) ? m
            : cells.TryGetValue($"*/{age}/*", out m) ? m
            : cells.TryGetValue($"*/*/{vehicle}", out m) ? m
            : fit.BookMeanFrequency;
        return fit.AgeBandRelativities[age] * fit.VehicleClassRelativities[vehicle] * fit.RegionRelativities.GetValueOrDefault(f.Region, 1) * predicted / mean;
    }
}
