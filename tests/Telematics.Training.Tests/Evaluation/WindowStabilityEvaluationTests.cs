using Telematics.Training.Evaluation;
using Telematics.Training.Modeling;
using Telematics.Training.Reporting;
using Telematics.Training.Synthetic;

namespace Telematics.Training.Tests.Evaluation;

public sealed class WindowStabilityEvaluationTests
{
    private static readonly Lazy<WindowStability> Stability = new(() =>
    {
        var glm = FrequencyModel.Fit(SmallPopulation.Data, FrequencyModelKind.GlmTelematics, [.. Enumerable.Range(0, SmallPopulation.Data.Count)], SmallPopulation.Training, 1);
        return WindowStability.Evaluate(glm, SmallPopulation.Data, new SyntheticPopulationOptions { DriverCount = 150, Seed = 77 }, [3, 7, 21]);
    });

    [Fact]
    public void Longer_windows_agree_more_with_the_longest_and_earn_more_credibility()
    {
        var rows = Stability.Value.Windows;

        Assert.Equal([3, 7, 21], rows.Select(r => r.Days));
        // The longest window is the reference: itself in every respect.
        Assert.Equal((1.0, 1.0, 0.0, 1.0), (rows[2].MeanRelativity, rows[2].SameCategoryShare, rows[2].MeanAbsScoreChange, Math.Round(rows[2].Persistence, 12)));
        Assert.True(rows[0].SameCategoryShare < rows[2].SameCategoryShare, $"same category at 3 days {rows[0].SameCategoryShare:P1}");
        Assert.True(rows[0].MeanAbsScoreChange > rows[1].MeanAbsScoreChange, $"|Δ score| {rows[0].MeanAbsScoreChange:F1} at 3 days, {rows[1].MeanAbsScoreChange:F1} at 7");
        // Window-invariant features: the mean prediction does not drift with the window.
        Assert.All(rows, r => Assert.InRange(r.MeanRelativity, 0.85, 1.15));
        // A relativity seen over three weeks says more about the true one than three days do.
        Assert.True(rows[0].Credibility < rows[2].Credibility, $"Z {rows[0].Credibility:F3} at 3 days, {rows[2].Credibility:F3} at 21");
        Assert.InRange(rows[2].Credibility, 0.2, 1.5);
    }

    [Fact]
    public void The_minimum_credibility_days_keeps_n_over_n_plus_K_at_or_below_every_window()
    {
        var stability = Stability.Value;

        var k = stability.MinCredibilityDays;

        Assert.All(stability.Windows, r => Assert.False(double.IsNaN(r.CellCredibility), $"{r.Days} days: no within-cell Z"));
        Assert.All(stability.Windows, r => Assert.True(WindowStability.Credibility(r.Days, k) <= Math.Min(r.Credibility, r.CellCredibility) + 1e-12, $"{r.Days} days: n/(n+K) {WindowStability.Credibility(r.Days, k):F4} > Z {r.Credibility:F4} or {r.CellCredibility:F4} within cells"));
        Assert.Contains(stability.Windows, r => Math.Abs(WindowStability.Credibility(r.Days, k) - Math.Min(r.Credibility, r.CellCredibility)) < 1e-9);
    }

    [Fact]
    public void Credibility_within_cells_credits_nothing_for_telling_the_cells_apart()
    {
        // Two cells whose means the model gets right (truth 0.05 vs 0.2), and within each a prediction that is pure noise
        // about the cell's mean: over the book the slope is high, within the cells it is zero.
        double[] predicted = [0.04, 0.06, 0.04, 0.06, 0.16, 0.24, 0.16, 0.24];
        double[] truth = [0.05, 0.05, 0.05, 0.05, 0.2, 0.2, 0.2, 0.2];
        int[] cells = [0, 0, 0, 0, 1, 1, 1, 1];

        Assert.Equal(0, WindowStability.CellSlope(predicted, truth, cells), 12);

        // Within the cells the truth keeps half of each predicted deviation: Z = 0.5 whatever the cells' levels.
        double[] halfTruth = [0.045, 0.055, 0.045, 0.055, 0.18, 0.22, 0.18, 0.22];
        Assert.Equal(0.5, WindowStability.CellSlope(predicted, halfTruth, cells), 12);
        // Every prediction at its cell's mean: nothing to measure.
        Assert.True(double.IsNaN(WindowStability.CellSlope([0.1, 0.1, 0.3], [0.1, 0.2, 0.3], [0, 0, 1])));
    }

    [Fact]
    public void Credibility_days_bound_takes_the_lower_of_the_book_and_the_within_cell_credibility()
    {
        WindowStabilityRow Row(int days, double z, double withinCells) => new(days, 1, 1, 0, 1, z) { CellCredibility = withinCells };

        // At 5 days the within-cell Z of 0.25 binds: K = 5·0.75/0.25 = 15; elsewhere the book's.
        Assert.Equal(15, WindowStability.MinimumCredibilityDays([Row(5, 0.5, 0.25), Row(30, 0.75, 0.9)]), 9);
        Assert.Equal(double.PositiveInfinity, WindowStability.MinimumCredibilityDays([Row(5, 0.5, -0.1), Row(30, 0.75, 0.9)]));
        // Not measured within cells: the book's alone.
        Assert.Equal(5, WindowStability.MinimumCredibilityDays([Row(5, 0.5, double.NaN)]), 9);
    }

    [Fact]
    public void Credibility_days_bound_is_the_largest_n_times_one_minus_Z_over_Z()
    {
        WindowStabilityRow Row(int days, double z) => new(days, 1, 1, 0, 1, z);

        Assert.Equal(15, WindowStability.MinimumCredibilityDays([Row(5, 0.5), Row(30, 2.0 / 3), Row(60, 0.9)]), 9);
        Assert.Equal(double.PositiveInfinity, WindowStability.MinimumCredibilityDays([Row(5, 0), Row(30, 0.5)]));
    }

    [Fact]
    public void The_noise_per_trip_is_fitted_from_the_changes_between_nested_windows()
    {
        // 200 drivers with 4 trips in the short window and 16 in the long: the change of ln λ has variance s²·(1/4 − 1/16).
        const double s = 0.8;
        var u = (1.0 / 4) - (1.0 / 16);
        var shortWindow = new double[200];
        var longWindow = new double[200];
        for (var i = 0; i < 200; i++)
        {
            longWindow[i] = 0.1;
            shortWindow[i] = 0.1 * Math.Exp((i % 2 == 0 ? 1 : -1) * s * Math.Sqrt(u));
        }

        var fitted = WindowStability.FitSamplingNoise([shortWindow, longWindow], [[.. Enumerable.Repeat(4.0, 200)], [.. Enumerable.Repeat(16.0, 200)]]);

        Assert.Equal(s, fitted!.Value, 12);
        // Too few drivers with trips in both windows: nothing to fit.
        Assert.Null(WindowStability.FitSamplingNoise([shortWindow[..50], longWindow[..50]], [[.. Enumerable.Repeat(4.0, 50)], [.. Enumerable.Repeat(16.0, 50)]]));
    }

    [Fact]
    public void The_fitted_noise_holds_about_ninety_percent_of_the_changes_and_a_settled_category_is_kept()
    {
        var stability = Stability.Value;
        var rows = stability.Windows;

        Assert.InRange(stability.SamplingNoise!.Value, 0.3, 3);
        // The band s·√(1/n − 1/N) is the noise model's own prediction for each driver; the fit is pooled over the windows.
        Assert.All(rows.Take(2), r => Assert.InRange(r.NoiseBandShare, 0.75, 0.98));
        Assert.True(double.IsNaN(rows[2].NoiseBandShare));
        // Intervals narrow with more trips, so more categories settle; over the longest window a settled category is its own.
        Assert.True(rows[0].SettledShare < rows[2].SettledShare, $"settled {rows[0].SettledShare:P1} at 3 days, {rows[2].SettledShare:P1} at 21");
        Assert.Equal(1, rows[2].SettledSameCategoryShare);
        Assert.True(rows[1].SettledSameCategoryShare > rows[1].SameCategoryShare, $"7 days: settled kept {rows[1].SettledSameCategoryShare:P1}, all kept {rows[1].SameCategoryShare:P1}");
    }

    [Fact]
    public void Each_rated_or_context_feature_has_its_short_window_reliability()
    {
        var factors = Stability.Value.Factors;

        // Every feature but the data-quality ones, in schema order.
        Assert.Equal(
            RatingFactors.All.Where(f => f.Role != FactorRole.DataQuality).Select(f => f.Feature),
            factors.Select(f => f.Feature));
        var glm = FrequencyModel.Fit(SmallPopulation.Data, FrequencyModelKind.GlmTelematics, [.. Enumerable.Range(0, SmallPopulation.Data.Count)], SmallPopulation.Training, 1).Glm!;
        Assert.Equal(glm.Terms.Select(t => t.Factor.Feature).Order(), factors.Where(f => f.InModel).Select(f => f.Feature).Order());
        Assert.All(factors.Where(f => !double.IsNaN(f.Correlation)), f => Assert.InRange(f.Correlation, -1, 1));
        // Jerk is measured on every sample, so three days already rank drivers almost as three weeks do; the share of
        // driving at night rests on a few trips and is mostly noise over three days.
        var jerk = factors.Single(f => f.Feature == "mean_abs_jerk_mps3").Correlation;
        var night = factors.Single(f => f.Feature == "night_share").Correlation;
        Assert.True(jerk > 0.8 && jerk > night, $"jerk {jerk:F3}, night share {night:F3}");
        // A feature that never varies (no high-risk areas in the simulation) has no correlation.
        Assert.True(double.IsNaN(factors.Single(f => f.Feature == "high_risk_area_share").Correlation));
    }

    [Fact]
    public void The_report_shows_the_windows_and_the_seed_spread()
    {
        var cv = SmallPopulation.CrossValidation;
        var report = new TrainingReport
        {
            Command = "telematics train",
            Data = "synthetic",
            Totals = (SmallPopulation.Data.Count, 10, 600),
            CrossValidation = cv,
            SeedRuns = [(11, cv), (12, CrossValidator.Run(SmallPopulation.Data, SmallPopulation.Training.WithSeed(12)))],
            Stability = Stability.Value,
        }.ToMarkdown();

        Assert.Contains("## Out of fold across seeds", report, StringComparison.Ordinal);
        Assert.Contains("| glm-telematics | 12 |", report, StringComparison.Ordinal);
        Assert.Contains("## Window stability and credibility", report, StringComparison.Ordinal);
        Assert.Contains("| 21 | 1.000 | 100.0 % | 0.0 | 1.000 |", report, StringComparison.Ordinal);
        Assert.Contains("| 3- vs 21-day correlation |", report, StringComparison.Ordinal);
        Assert.Contains("| `p95_lateral_g` | road context |  |", report, StringComparison.Ordinal);
        Assert.Contains($"s = {Stability.Value.SamplingNoise:F4} per trip", report, StringComparison.Ordinal);
        Assert.Contains("| days | changes within the fitted 90 % band | category settled | settled and kept at 21 d |", report, StringComparison.Ordinal);
        Assert.Contains("| 21 | – | ", report, StringComparison.Ordinal);
    }
}
