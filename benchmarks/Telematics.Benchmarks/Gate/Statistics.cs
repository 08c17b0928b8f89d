using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace Telematics.Benchmarks.Gate;

/// <summary>The median of repeated figures and a distribution-free interval for it from order statistics.</summary>
public static class Statistics
{
    /// <summary>The coverage the interval promises at least (the whole range when there are too few figures for it).</summary>
    public const double Coverage = 0.95;

    /// <summary>Median and the narrowest symmetric order-statistic interval [X(k), X(n+1−k)] with at least 95 % coverage.</summary>
    public static (double Median, double Low, double High) MedianWithInterval(IReadOnlyList<double> values)
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Count);
        var sorted = new double[values.Count];
        for (var i = 0; i < sorted.Length; i++)
        {
            sorted[i] = values[i];
        }

        Array.Sort(sorted);
        var n = sorted.Length;
        var median = SortedArrayStatistics.Median(sorted);

        // Coverage of [X(k), X(n+1−k)] is 1 − 2·P(Binomial(n, ½) ≤ k − 1); narrow (k + 1) only while the narrower
        // interval still covers 95 %, so the one returned always does.
        var k = 1;
        while (k + 1 <= (n + 1) / 2 && IntervalCoverage(n, k + 1) >= Coverage)
        {
            k++;
        }

        return (median, sorted[k - 1], sorted[n - k]);
    }

    /// <summary>The probability that [X(k), X(n+1−k)] of n figures holds their population median.</summary>
    public static double IntervalCoverage(int n, int k) => 1 - (2 * Binomial.CDF(0.5, n, k - 1));
}
