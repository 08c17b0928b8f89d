namespace Telematics.Training.Modeling;

/// <summary>
/// The central 99 % of a feature's training values, from the 0.5th to the 99.5th percentile: the range a model is fitted
/// over. The GLM clips its terms to it, so it never extrapolates a shape. A package records it, widened a little, as
/// <c>training_ranges</c> (<see cref="Tolerated"/>), so a driver well beyond it is scored with lowered confidence. The outer
/// 1 % are mostly short windows' sampling noise: a range reaching them (the smallest and largest value) would call almost
/// any driver "inside".
/// </summary>
internal static class CentralRange
{
    public const double LowerQuantile = 0.005;
    public const double UpperQuantile = 0.995;

    /// <summary>How far beyond the central range, as a share of its width, a value still counts as inside (a tenth).</summary>
    public const double Tolerance = 0.1;

    /// <summary>The <paramref name="q"/> quantile of sorted values: linear interpolation between order statistics.</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }

    /// <summary>
    /// The range a driver's value counts as inside: the central range widened by <see cref="Tolerance"/> of its width on
    /// each side, but not beyond the smallest and largest training value. A value at the edge of the data, such as a driver
    /// who never speeds or never handles the phone (below the 0.5th percentile only because most drivers do a little), is
    /// inside; one well beyond the data, such as the recorded NDS-BR drivers' jerk at 1.5 times the 99.5th percentile, is not.
    /// </summary>
    public static (double Min, double Max) Tolerated(ReadOnlySpan<double> sorted)
    {
        var lower = Quantile(sorted, LowerQuantile);
        var upper = Quantile(sorted, UpperQuantile);
        var margin = Tolerance * (upper - lower);
        return (Math.Max(sorted[0], lower - margin), Math.Min(sorted[^1], upper + margin));
    }
}
