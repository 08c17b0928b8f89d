namespace Telematics.Features.Statistics;

/// <summary>
/// A weighted histogram with equal-width bins from 0, used for quantiles without sorting or allocating:
/// adding is one array increment and two histograms merge by adding their bins.
/// </summary>
/// <remarks>
/// A quantile is answered with the middle of the bin that holds it, so it is within half a bin width of the
/// exact weighted quantile, provided the value is below <see cref="Max"/>; values at or above it fall into the
/// last bin, whose answer is its lower edge ("at least"). Weights are integers (milliseconds), so merging is
/// exact and order-independent. Not thread-safe.
/// </remarks>
internal sealed class FixedBinHistogram
{
    private readonly long[] _bins;
    private readonly double _binsPerUnit;

    public FixedBinHistogram(double binWidth, int binCount)
    {
        BinWidth = binWidth;
        _binsPerUnit = 1.0 / binWidth;
        _bins = new long[binCount];
    }

    public double BinWidth { get; }

    public double Max => BinWidth * (_bins.Length - 1);

    public Span<long> Bins => _bins;

    /// <summary>Adds <paramref name="weight"/> at <paramref name="value"/>; negative values count in bin 0.</summary>
    public void Add(double value, long weight)
    {
        // The conversion saturates (NaN becomes 0), and the unsigned compare clamps to the last bin.
        var bin = (uint)(int)Math.Max(value * _binsPerUnit, 0.0);
        var last = (uint)(_bins.Length - 1);
        _bins[bin < last ? bin : last] += weight;
    }

    public double Quantile(double q)
    {
        long total = 0;
        foreach (var w in _bins)
        {
            total += w;
        }

        if (total == 0)
        {
            return 0;
        }

        // Smallest bin whose cumulative weight reaches q of the total.
        var target = q * total;
        long cumulative = 0;
        for (var i = 0; i < _bins.Length; i++)
        {
            cumulative += _bins[i];
            if (cumulative >= target && _bins[i] > 0)
            {
                return i == _bins.Length - 1 ? i * BinWidth : (i + 0.5) * BinWidth;
            }
        }

        return Max;
    }

    public void AddFrom(FixedBinHistogram other)
    {
        var source = other._bins;
        for (var i = 0; i < _bins.Length; i++)
        {
            _bins[i] += source[i];
        }
    }

    public void CopyFrom(FixedBinHistogram other) => other._bins.AsSpan().CopyTo(_bins);

    public void Clear() => Array.Clear(_bins);
}
