namespace Telematics.Training.Modeling;

/// <summary>
/// The central 99 % of a feature's training values, from the 0.5th to the 99.5th percentile: the range a model is fitted
/// over. The GLM clips its terms to it, so it never extrapolates a shape; a package records it as <c>training_ranges</c>,
/// so a driver beyond it is scored with lowered confidence. The outer 1 % are mostly short windows' sampling noise: a
/// range reaching them (the smallest and largest value) would call almost any driver "inside".
/// </summary>
internal static class CentralRange
{
    public const double LowerQuantile = 0.005;
    public const double UpperQuantile = 0.995;

    /// <summary>The <paramref name="q"/> quantile of sorted values: linear interpolation between order statistics.</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }
}
