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

    /// <summary>
    /// A fix implying a speed above this from the last kept fix (the anchor) is a position jump, m/s: dropped unless it
    /// starts a new track (see <see cref="NewTrackFixCount"/>).
    /// </summary>
    /// <value>Default 83.3 m/s (300 km/h): above the top speed of virtually every insured road vehicle.</value>
    public double MaxPlausibleSpeedMps { get; init; } = 300.0 / 3.6;

    /// <summary>Distance subtracted before the jump test, metres, so GPS noise over short intervals is not a jump.</summary>
    /// <value>Default 30 m: twice a typical 15 m fix error, the worst case of two noisy fixes pointing apart.</value>
    public double JumpNoiseMarginM { get; init; } = 30.0;

    /// <summary>
    /// How many consecutive fixes that each fail the jump test against the last kept fix, but are plausible from one to
    /// the next, make a new track: they are then kept and the track goes on from them.
    /// </summary>
    /// <value>
    /// Default 3. A single bad fix (a logger's (0, 0) placeholder, a multipath glitch) is dropped as a jump, and the track
    /// it interrupted goes on; but a car that really is elsewhere (the phone was off on a flight or a ferry, the stream
    /// began with a bad fix) is followed again after three fixes (3 s at 1 Hz) instead of being dropped until it comes
    /// back within reach of the old fix. Three, not two: two consecutive glitches agreeing with each other happen (a
    /// repeated placeholder); three is the fewest that outvote an established track. At the start of a stream there is
    /// no track to outvote, and two plausible fixes are enough: a stream's first fix is held until a second one confirms
    /// it, and dropped as a jump if the next fixes agree with each other but not with it. Candidate fixes are held
    /// (neither kept nor dropped) until decided, also across chunks, so the result does not depend on the chunking; a
    /// chunk's report counts a held fix as kept, and the chunk that drops it counts it as a jump.
    /// </value>
    public int NewTrackFixCount { get; init; } = 3;

    /// <summary>Checks every threshold.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is not positive, <see cref="NewTrackFixCount"/> is below 2, or the handling is unknown.</exception>
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

        if (NewTrackFixCount < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(NewTrackFixCount), NewTrackFixCount, "Must be 2 or more.");
        }
    }
}
