namespace Telematics.Scoring.Experiments;

/// <summary>A half-open range of assignment buckets, <c>[Start, End)</c>, owned by one served variant.</summary>
/// <param name="Start">First bucket of the range, 0 ≤ Start &lt; End.</param>
/// <param name="End">One past the last bucket, Start &lt; End ≤ <see cref="ExperimentBuckets.Count"/>.</param>
public readonly record struct BucketRange(int Start, int End)
{
    /// <summary>Number of buckets in the range (one bucket is one basis point of drivers).</summary>
    public int Length => End - Start;

    /// <summary>Returns <c>[Start, End)</c>.</summary>
    public override string ToString() => $"[{Start}, {End})";
}
