using Telematics.Training.Evaluation;

namespace Telematics.Training.Tests.Evaluation;

public sealed class FrequencyMetricsTests
{
    [Fact]
    public void Poisson_deviance_matches_the_hand_computed_mean()
    {
        // d(0; 0.5) = 2·0.5 = 1; d(1; 1) = 0; d(2; 1) = 2·(2·ln 2 − 1).
        var mean = FrequencyMetrics.MeanPoissonDeviance([0, 1, 2], [0.5, 1, 1]);

        Assert.Equal((1 + 0 + (2 * ((2 * Math.Log(2)) - 1))) / 3, mean, 12);
    }

    [Fact]
    public void Poisson_deviance_refuses_a_zero_prediction_naming_the_row()
    {
        var e = Assert.Throws<ArgumentException>(() => FrequencyMetrics.MeanPoissonDeviance([0, 1], [0.1, 0]));

        Assert.Contains("Row 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gini_of_a_perfect_ordering_on_three_drivers_is_two_thirds()
    {
        // Lorenz points (1/3, 0), (2/3, 0), (1, 1): area 1/6, Gini = 1 − 2/6.
        var gini = FrequencyMetrics.Gini([0.1, 0.2, 0.3], [1, 1, 1], [0, 0, 1]);

        Assert.Equal(2.0 / 3, gini, 12);
        Assert.Equal(1.0, FrequencyMetrics.NormalisedGini([0.1, 0.2, 0.3], [1, 1, 1], [0, 0, 1]), 12);
    }

    [Fact]
    public void Gini_weights_the_curve_by_exposure_and_a_reversed_ordering_is_negative()
    {
        // Ascending score: exposure 2, 1, 1 with claims 0, 1, 1 → points (0.5, 0), (0.75, 0.5), (1, 1): area 0.25, Gini 0.5.
        Assert.Equal(0.5, FrequencyMetrics.Gini([0.1, 0.2, 0.3], [2, 1, 1], [0, 1, 1]), 12);
        // Reversed: (0.25, 0.5), (0.5, 1), (1, 1): area 0.75, Gini −0.5; the hindsight Gini is 0.5, so normalised −1.
        Assert.Equal(-0.5, FrequencyMetrics.Gini([0.3, 0.2, 0.1], [2, 1, 1], [0, 1, 1]), 12);
        Assert.Equal(-1.0, FrequencyMetrics.NormalisedGini([0.3, 0.2, 0.1], [2, 1, 1], [0, 1, 1]), 12);
    }

    [Fact]
    public void Drivers_with_equal_scores_form_one_step_so_a_constant_model_has_zero_gini()
    {
        Assert.Equal(0.0, FrequencyMetrics.Gini([0.07, 0.07, 0.07, 0.07], [1, 2, 1, 1], [1, 0, 0, 2]), 12);
    }

    [Fact]
    public void Gini_is_not_a_number_without_claims()
    {
        Assert.True(double.IsNaN(FrequencyMetrics.Gini([0.1, 0.2], [1, 1], [0, 0])));
    }

    [Fact]
    public void Auc_counts_the_share_of_claim_no_claim_pairs_ranked_right()
    {
        // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs ranked right.
        Assert.Equal(0.75, FrequencyMetrics.ClaimAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 2]), 12);
        Assert.Equal(0.5, FrequencyMetrics.ClaimAuc([0.5, 0.5], [1, 0]), 12);
        Assert.True(double.IsNaN(FrequencyMetrics.ClaimAuc([0.5, 0.6], [1, 1])));
    }

    [Fact]
    public void Deciles_cut_the_drivers_in_ten_equal_groups_by_predicted_claims()
    {
        var expected = new double[20];
        var claims = new int[20];
        var exposure = new double[20];
        for (var i = 0; i < 20; i++)
        {
            expected[19 - i] = i / 10.0;  // stored in reverse to prove the groups follow the prediction, not the row order
            claims[19 - i] = i % 3;
            exposure[19 - i] = 1;
        }

        var deciles = FrequencyMetrics.Deciles(expected, claims, exposure);

        Assert.Equal(10, deciles.Count);
        Assert.All(deciles, d => Assert.Equal(2, d.Drivers));
        Assert.Equal(0.0 + 0.1, deciles[0].PredictedClaims, 12);
        Assert.Equal(0 + 1, deciles[0].ObservedClaims);
        Assert.Equal(1.8 + 1.9, deciles[9].PredictedClaims, 12);
        Assert.Equal((18 % 3) + (19 % 3), deciles[9].ObservedClaims);
    }

    [Fact]
    public void Evaluation_reports_deviance_explained_against_the_null_model()
    {
        var evaluation = ModelEvaluation.Evaluate("m", [0.5, 1, 1], [1, 1, 1], [0, 1, 2], [1, 1, 1]);

        // Null deviance: d(0; 1) = 2, d(1; 1) = 0, d(2; 1) = 2·(2·ln 2 − 1).
        var nullMean = (2 + (2 * ((2 * Math.Log(2)) - 1))) / 3;
        Assert.Equal(nullMean, evaluation.NullMeanDeviance, 12);
        Assert.Equal(1 - (evaluation.MeanDeviance / nullMean), evaluation.DevianceExplained, 12);
    }

    [Fact]
    public void A_NaN_score_is_refused_naming_its_row_instead_of_hanging_the_ranking_metrics()
    {
        double[] score = [0.1, double.NaN, 0.3];
        double[] exposure = [1, 1, 1];
        int[] claims = [0, 1, 0];

        // Each would loop for ever on the NaN's step (NaN == NaN is false); the test's own timeout would show it.
        foreach (var metric in new Action[]
        {
            () => FrequencyMetrics.Gini(score, exposure, claims),
            () => FrequencyMetrics.ClaimAuc(score, claims),
            () => FrequencyMetrics.LorenzCurve(score, exposure, claims),
        })
        {
            var refused = Assert.Throws<ArgumentException>(() => Task.Run(metric).WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult());
            Assert.Contains("Row 1", refused.Message, StringComparison.Ordinal);
        }
    }
}
