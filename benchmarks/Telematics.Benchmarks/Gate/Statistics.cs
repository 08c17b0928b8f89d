namespace Telematics.Benchmarks.Gate;

/// <summary>The median of repeated figures and a distribution-free interval for it from order statistics.</summary>
public static class Statistics
{
    /// <summary>Median and the narrowest symmetric order-statistic interval with at least 95 % coverage (the whole range when n is small).</summary>
    public static (double Median, double Low, double High) MedianWithInterval(IReadOnlyList<double> values)
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Count);
        var sorted = values.Order().ToArray();
        var n = sorted.Length;
        var median = n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;

        // P(X(k) ≤ median ≤ X(n+1−k)) = 1 − 2·P(Binomial(n, ½) < k): take the largest k that keeps it ≥ 95 %.
        var k = 1;
        while (k + 1 <= n / 2 && 1 - (2 * BinomialCdf(n, k)) >= 0.95)
        {
            k++;
        }

        return (median, sorted[k - 1], sorted[n - k]);
    }

    // P(Binomial(n, ½) ≤ k − 1).
    private static double BinomialCdf(int n, int k)
    {
        double sum = 0, term = Math.Pow(0.5, n);
        for (var i = 0; i < k; i++)
        {
            sum += term;
            term = term * (n - i) / (i + 1);
        }

        return sum;
    }
}
