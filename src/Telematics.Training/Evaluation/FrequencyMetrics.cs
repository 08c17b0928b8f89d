namespace Telematics.Training.Evaluation;

/// <summary>
/// Metrics of a claim-frequency prediction against observed claim counts: Poisson deviance, exposure-weighted
/// Gini (Lorenz curve of claims over drivers ordered by predicted frequency), AUC of "at least one claim" and
/// calibration by decile.
/// </summary>
/// <remarks>Pure functions over spans; inputs are not modified. Thread-safe.</remarks>
public static class FrequencyMetrics
{
    /// <summary>Mean Poisson deviance <c>2·[y·ln(y/μ) − (y − μ)]</c> per driver (the <c>y·ln</c> term is 0 when y = 0).</summary>
    /// <param name="claims">Observed claims y.</param>
    /// <param name="expectedClaims">Predicted expected claims μ over the same exposure, each &gt; 0.</param>
    /// <returns>The mean deviance; lower is better.</returns>
    /// <exception cref="ArgumentException">Lengths differ, the input is empty, or a μ is not positive.</exception>
    public static double MeanPoissonDeviance(ReadOnlySpan<int> claims, ReadOnlySpan<double> expectedClaims)
    {
        CheckLengths(claims.Length, expectedClaims.Length);
        double sum = 0;
        for (var i = 0; i < claims.Length; i++)
        {
            var mu = expectedClaims[i];
            if (!(mu > 0) || !double.IsFinite(mu))
            {
                throw new ArgumentException($"Row {i}: the expected claim count must be positive and finite, not {mu}.", nameof(expectedClaims));
            }

            double y = claims[i];
            sum += 2 * ((y > 0 ? y * Math.Log(y / mu) : 0) - (y - mu));
        }

        return sum / claims.Length;
    }

    /// <summary>
    /// Gini coefficient of the exposure-weighted Lorenz curve: drivers in ascending order of <paramref name="score"/>,
    /// x = cumulative share of exposure, y = cumulative share of claims; Gini = 1 − 2 × area under the curve
    /// (trapezoids). Drivers with equal scores form one step, so the result does not depend on their order.
    /// </summary>
    /// <param name="score">Predicted frequency (or anything ordered like it).</param>
    /// <param name="exposure">Exposure per driver, each &gt; 0.</param>
    /// <param name="claims">Observed claims per driver.</param>
    /// <returns>The Gini coefficient in [−1, 1] (0 = no better than random), or NaN when there are no claims.</returns>
    /// <exception cref="ArgumentException">Lengths differ, the input is empty, or a score is NaN.</exception>
    public static double Gini(ReadOnlySpan<double> score, ReadOnlySpan<double> exposure, ReadOnlySpan<int> claims)
    {
        CheckLengths(score.Length, exposure.Length);
        CheckLengths(score.Length, claims.Length);
        var order = AscendingOrder(score);
        double totalExposure = 0, totalClaims = 0;
        for (var i = 0; i < score.Length; i++)
        {
            totalExposure += exposure[i];
            totalClaims += claims[i];
        }

        if (totalClaims == 0)
        {
            return double.NaN;
        }

        double area = 0, x = 0, y = 0;
        var k = 0;
        while (k < order.Length)
        {
            double stepExposure = 0, stepClaims = 0;
            var value = score[order[k]];
            while (k < order.Length && score[order[k]] == value)
            {
                stepExposure += exposure[order[k]];
                stepClaims += claims[order[k]];
                k++;
            }

            var nextX = x + (stepExposure / totalExposure);
            var nextY = y + (stepClaims / totalClaims);
            area += (nextX - x) * (nextY + y) / 2;
            x = nextX;
            y = nextY;
        }

        return 1 - (2 * area);
    }

    /// <summary>
    /// Normalised Gini: the Gini of <paramref name="score"/> divided by the Gini of the best possible ordering on this
    /// sample (drivers ordered by their observed frequency, claims / exposure).
    /// </summary>
    /// <returns>The ratio (1 = as good as the hindsight ordering), or NaN when there are no claims.</returns>
    /// <exception cref="ArgumentException">Lengths differ, the input is empty, or a score is NaN.</exception>
    public static double NormalisedGini(ReadOnlySpan<double> score, ReadOnlySpan<double> exposure, ReadOnlySpan<int> claims)
    {
        CheckLengths(claims.Length, exposure.Length);
        var observed = new double[claims.Length];
        for (var i = 0; i < observed.Length; i++)
        {
            observed[i] = claims[i] / exposure[i];
        }

        return Gini(score, exposure, claims) / Gini(observed, exposure, claims);
    }

    /// <summary>
    /// Area under the ROC curve of <paramref name="score"/> for the event "at least one claim": the probability that a
    /// driver with a claim scores above one without (ties count one half).
    /// </summary>
    /// <returns>The AUC in [0, 1], or NaN when every driver or no driver has a claim.</returns>
    /// <exception cref="ArgumentException">Lengths differ, the input is empty, or a score is NaN.</exception>
    public static double ClaimAuc(ReadOnlySpan<double> score, ReadOnlySpan<int> claims)
    {
        CheckLengths(score.Length, claims.Length);
        var order = AscendingOrder(score);
        long positives = 0;
        double rankSum = 0;
        var k = 0;
        while (k < order.Length)
        {
            var start = k;
            var value = score[order[k]];
            long tiedPositives = 0;
            while (k < order.Length && score[order[k]] == value)
            {
                tiedPositives += claims[order[k]] > 0 ? 1 : 0;
                k++;
            }

            // Ranks start+1 … k share their mean rank.
            rankSum += tiedPositives * ((start + 1 + k) / 2.0);
            positives += tiedPositives;
        }

        long negatives = score.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        return (rankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    /// <summary>
    /// Calibration by decile: drivers in ascending order of predicted expected claims, cut into ten groups of equal
    /// size (driver <c>i</c> of <c>n</c> in order goes to group <c>⌊10·i/n⌋</c>); each group's predicted and observed claims.
    /// </summary>
    /// <param name="expectedClaims">Predicted expected claims per driver.</param>
    /// <param name="claims">Observed claims per driver.</param>
    /// <param name="exposure">Exposure per driver.</param>
    /// <returns>Ten groups, lowest predicted first (fewer when there are fewer than ten drivers).</returns>
    /// <exception cref="ArgumentException">Lengths differ or the input is empty.</exception>
    public static IReadOnlyList<CalibrationGroup> Deciles(ReadOnlySpan<double> expectedClaims, ReadOnlySpan<int> claims, ReadOnlySpan<double> exposure)
    {
        CheckLengths(expectedClaims.Length, claims.Length);
        CheckLengths(expectedClaims.Length, exposure.Length);
        var order = AscendingOrder(expectedClaims);
        var n = order.Length;
        var groups = Math.Min(10, n);
        var result = new CalibrationGroup[groups];
        var k = 0;
        for (var g = 0; g < groups; g++)
        {
            var end = (int)((long)(g + 1) * n / groups);
            double predicted = 0, observed = 0, years = 0;
            var count = 0;
            for (; k < end; k++)
            {
                predicted += expectedClaims[order[k]];
                observed += claims[order[k]];
                years += exposure[order[k]];
                count++;
            }

            result[g] = new CalibrationGroup(g + 1, count, years, predicted, observed);
        }

        return result;
    }

    /// <summary>Points of the exposure-weighted Lorenz curve (see <see cref="Gini"/>), starting at (0, 0), one per distinct score.</summary>
    /// <returns>(cumulative exposure share, cumulative claim share) pairs.</returns>
    /// <exception cref="ArgumentException">Lengths differ, the input is empty, or a score is NaN.</exception>
    public static IReadOnlyList<(double Exposure, double Claims)> LorenzCurve(ReadOnlySpan<double> score, ReadOnlySpan<double> exposure, ReadOnlySpan<int> claims)
    {
        CheckLengths(score.Length, exposure.Length);
        CheckLengths(score.Length, claims.Length);
        var order = AscendingOrder(score);
        double totalExposure = 0, totalClaims = 0;
        for (var i = 0; i < score.Length; i++)
        {
            totalExposure += exposure[i];
            totalClaims += claims[i];
        }

        var points = new List<(double, double)> { (0, 0) };
        double x = 0, y = 0;
        var k = 0;
        while (k < order.Length)
        {
            var value = score[order[k]];
            while (k < order.Length && score[order[k]] == value)
            {
                x += exposure[order[k]];
                y += claims[order[k]];
                k++;
            }

            points.Add((x / totalExposure, totalClaims > 0 ? y / totalClaims : 0));
        }

        return points;
    }

    // The order every ranking metric walks in steps of equal scores: a NaN equals nothing, not even itself, so a step
    // would never end. It is refused here, naming the row, rather than in each metric.
    private static int[] AscendingOrder(ReadOnlySpan<double> score)
    {
        var order = new int[score.Length];
        var keys = score.ToArray();
        for (var i = 0; i < order.Length; i++)
        {
            if (double.IsNaN(keys[i]))
            {
                throw new ArgumentException($"Row {i}: the score is NaN; drivers can be ordered only by numbers.", nameof(score));
            }

            order[i] = i;
        }

        Array.Sort(keys, order);
        return order;
    }

    private static void CheckLengths(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"Inputs must have the same length ({a} vs {b}).");
        }

        if (a == 0)
        {
            throw new ArgumentException("Inputs must not be empty.");
        }
    }
}
