using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Features.Schema;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Results;
using Telematics.Scoring.Service;
using Telematics.Scoring.Shipped;
using Telematics.Training.Synthetic;

namespace Telematics.Training.Tests.Shipped;

/// <summary>
/// The shipped model scores the same driving the same whatever the window: drivers of a fresh population are simulated
/// for 90 days and scored on their first 7, 30 and 90 days (the first days of a longer simulation are the same samples).
/// </summary>
public sealed class WindowStabilityTests
{
    private const int Drivers = 300;

    private static readonly Lazy<RiskScore[,]> Shipped = new(() => Scores(ShippedModel.Load(), [7, 30, 90]));

    /// <summary>Each driver's score over each window, [driver, window].</summary>
    internal static RiskScore[,] Scores(ModelPackage package, int[] windows, int drivers = Drivers)
    {
        var options = new SyntheticPopulationOptions { DriverCount = drivers, PeriodDays = windows.Max(), Seed = 4242 };
        var simulator = new TelematicsSimulator(options);
        using var registry = ModelRegistry.ForPackage(package);
        var scorer = new RiskScorer(registry);
        var scores = new RiskScore[drivers, windows.Length];
        var buffer = new SampleBuffer(8192);
        var vector = new float[TelematicsFeatures.Schema.Count];
        for (var i = 0; i < drivers; i++)
        {
            var driver = PopulationGenerator.CreateDriver(options, i);
            for (var w = 0; w < windows.Length; w++)
            {
                var pipeline = new DriverFeaturePipeline(simulator.TimeZone);
                foreach (var chunk in simulator.Simulate(driver with { ObservedDays = windows[w] }, buffer))
                {
                    pipeline.Push(chunk);
                }

                pipeline.Complete();
                pipeline.Aggregate.WriteFeatures(vector);
                scores[i, w] = scorer.Score(new ScoreRequest { DriverId = driver.DriverId, Features = vector.ToArray(), ObservedDays = windows[w], IncludeContributions = false });
            }
        }

        return scores;
    }

    [Fact]
    public void Scores_over_7_30_and_90_days_agree_within_the_sampling_noise_of_a_short_window()
    {
        var scores = Shipped.Value;

        var means = new double[3];
        int sameCategory30 = 0, sameCategory7 = 0, farApart = 0;
        for (var i = 0; i < Drivers; i++)
        {
            for (var w = 0; w < 3; w++)
            {
                means[w] += scores[i, w].Score / Drivers;
            }

            var at90 = scores[i, 2].Category;
            sameCategory30 += scores[i, 1].Category == at90 ? 1 : 0;
            sameCategory7 += scores[i, 0].Category == at90 ? 1 : 0;
            farApart += Math.Abs((int)scores[i, 1].Category - (int)at90) > 1 ? 1 : 0;
        }

        // The window-dependent v1 model moved the same drivers' mean from 50.7 (7 days) to 68.8 (30 days). Measured with the
        // shipped model (version 3): 51.0, 51.6, 51.6; same category as at 90 days 64 % (7 d) and 83 % (30 d); no driver
        // two categories apart between 30 and 90 days. The population is seeded, so these figures repeat exactly.
        var summary = $"mean scores {means[0]:F1} (7 d), {means[1]:F1} (30 d), {means[2]:F1} (90 d); same category as 90 d: {sameCategory7} (7 d), {sameCategory30} (30 d); 2+ apart 30↔90 d: {farApart}";
        Assert.True(Math.Abs(means[0] - means[2]) <= 3, summary);
        Assert.True(Math.Abs(means[1] - means[2]) <= 2, summary);
        // Categories are 20-point bands of a percentile, so a driver near a band edge may cross it on noise alone.
        Assert.True(sameCategory30 >= 0.78 * Drivers, summary);
        Assert.True(sameCategory7 >= 0.60 * Drivers, summary);
        // Two categories apart over 30 and 90 days happens only to a driver whose 30 days are unusual for them.
        Assert.True(farApart <= Drivers / 100, summary);
    }

    [Fact]
    public void A_category_the_interval_settles_over_a_short_window_is_kept_over_90_days()
    {
        var scores = Shipped.Value;

        int[] settled = new int[2], kept = new int[2], covered = new int[2];
        for (var i = 0; i < Drivers; i++)
        {
            for (var w = 0; w < 2; w++)
            {
                var interval = scores[i, w].Interval!.Value;
                covered[w] += scores[i, 2].Score >= interval.Low && scores[i, 2].Score <= interval.High ? 1 : 0;
                if (interval.SettlesCategory)
                {
                    settled[w]++;
                    kept[w] += scores[i, w].Category == scores[i, 2].Category ? 1 : 0;
                }
            }
        }

        // The 90 % interval of the long-run score should hold the 90-day score for at least nine drivers in ten (the 90 days
        // share the window's trips, so a little more). A settled category is a promise: over 7 or 30 days, the drivers
        // whose interval lies in one band are in that band at 90 days too. Measured on the shipped model (version 3,
        // sampling noise 1.10 per trip): 287 (7 d) and 284 (30 d) of 300 inside; 48 and 83 settled, of which 46 and 82 kept.
        // The population is seeded, so these figures repeat exactly.
        var summary = $"90-day score inside the interval: {covered[0]} (7 d), {covered[1]} (30 d) of {Drivers}; settled {settled[0]} (7 d), {settled[1]} (30 d); of those kept at 90 d {kept[0]}, {kept[1]}";
        Assert.True(covered[0] >= 0.85 * Drivers && covered[1] >= 0.85 * Drivers, summary);
        Assert.True(settled[0] > 0 && settled[1] > settled[0], summary);
        Assert.True(kept[0] >= 0.9 * settled[0] && kept[1] >= 0.95 * settled[1], summary);
    }
}
