namespace Telematics.Features.Cleaning;

/// <summary>Thresholds of <see cref="SampleCleaner"/>.</summary>
/// <remarks>Immutable once built; validate with <see cref="Validate"/> (the cleaner does so on construction).</remarks>
public sealed record SampleCleaningOptions
{
    /// <summary>The defaults documented on each property.</summary>
    public static SampleCleaningOptions Default { get; } = new();

    /// <summary>What to do with samples that arrive out of timestamp order.</summary>
    /// <value>Default <see cref="OutOfOrderHandling.Reorder"/>: phones batch and retry uploads, so late samples are normal.</value>
    public OutOfOrderHandling OutOfOrder { get; init; } = OutOfOrderHandling.Reorder;

    /// <summary>Fixes whose horizontal accuracy radius is larger than this are dropped, metres.</summary>
    /// <value>
    /// Default 50 m: phone fixes are typically 3–15 m in the open sky; beyond ~50 m the fix is network or
    /// dead-reckoning quality and map matching to a road becomes unreliable. Missing accuracy (NaN) is kept.
    /// </value>
    public float MaxGpsAccuracyM { get; init; } = 50f;

    /// <summary>A fix implying a speed above this from the last kept fix is dropped as a position jump, m/s.</summary>
    /// <value>Default 83.3 m/s (300 km/h): above the top speed of virtually every insured road vehicle.</value>
    public double MaxPlausibleSpeedMps { get; init; } = 300.0 / 3.6;

    /// <summary>Distance subtracted before the jump test, metres, so GPS noise over short intervals is not a jump.</summary>
    /// <value>Default 30 m: twice a typical 15 m fix error, the worst case of two noisy fixes pointing apart.</value>
    public double JumpNoiseMarginM { get; init; } = 30.0;

    /// <summary>Checks every threshold.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is not positive, or the handling is unknown.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(OutOfOrder))
        {
            throw new ArgumentOutOfRangeException(nameof(OutOfOrder), OutOfOrder, "Unknown out-of-order handling.");
        }

        if (!(MaxGpsAccuracyM > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxGpsAccuracyM), MaxGpsAccuracyM, "Must be greater than 0.");
        }

        if (!(MaxPlausibleSpeedMps > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPlausibleSpeedMps), MaxPlausibleSpeedMps, "Must be greater than 0.");
        }

        if (!(JumpNoiseMarginM >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(JumpNoiseMarginM), JumpNoiseMarginM, "Must be 0 or more.");
        }
    }
}
