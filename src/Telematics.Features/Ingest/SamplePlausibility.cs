namespace Telematics.Features.Ingest;

/// <summary>
/// The bounds a sample must lie within to be believed: a window of event times and physical limits of the numeric
/// fields. Every reader (CSV, NDJSON, JSON array, binary) applies them to each record, so all formats agree; a record
/// outside is bad, named by record and field, and rejected or skipped as <see cref="SampleReaderOptions.BadRecords"/> says.
/// </summary>
/// <remarks>
/// Missing values (NaN) are never out of bounds. Bounds are inclusive. Immutable once built; safe to share.
/// </remarks>
public sealed class SamplePlausibility
{
    /// <summary>The default bounds (see each property).</summary>
    public static SamplePlausibility Default { get; } = new();

    /// <summary>
    /// No bounds beyond what a field can hold (coordinates stay ±90/±180; any time, sign or size, infinities included): for tools that must read any file as written,
    /// such as format conversion and round-trip tests. Never for ingest.
    /// </summary>
    public static SamplePlausibility Unbounded { get; } = new()
    {
        EarliestTimestamp = DateTimeOffset.MinValue,
        MaxAheadOfNow = null,
        MaxSpeedMps = float.PositiveInfinity,
        MaxAbsAccelerationMps2 = float.PositiveInfinity,
        MaxGpsAccuracyM = float.PositiveInfinity,
        AllowNonFinite = true,
    };

    /// <summary>The earliest event time believed.</summary>
    /// <value>Default 2000-01-01T00:00Z: no telematics data this SDK reads predates it, and older times are clock resets (1970) or garbage.</value>
    public DateTimeOffset EarliestTimestamp { get; init; } = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far after the reader's current time (<see cref="SampleReaderOptions.TimeProvider"/>) an event time may be; null for no limit.</summary>
    /// <value>Default 24 hours: covers any time zone mistake and clock skew of a device, but not a clock set years ahead.</value>
    public TimeSpan? MaxAheadOfNow { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Highest ground speed and posted speed limit believed, m/s; speeds below 0 are always refused, and a speed limit of 0 or below is read as missing (no road is posted at 0).</summary>
    /// <value>Default 100 m/s (360 km/h): above the top speed of road vehicles in normal use; GPS glitches beyond it are not driving.</value>
    public float MaxSpeedMps { get; init; } = 100f;

    /// <summary>Highest magnitude of the longitudinal and lateral acceleration believed, m/s².</summary>
    /// <value>
    /// Default 50 m/s² (about 5 g): tyre grip limits driving to about 1 g, and potholes and kerbs give short peaks of a
    /// few g; beyond 5 g a reading is a crash or a dropped phone, not a driving style.
    /// </value>
    public float MaxAbsAccelerationMps2 { get; init; } = 50f;

    /// <summary>Largest GPS accuracy radius believed, metres; negative radii are always refused.</summary>
    /// <value>Default 50,000 m: coarser than any cell-tower fix; cleaning drops fixes worse than its own, smaller threshold later.</value>
    public float MaxGpsAccuracyM { get; init; } = 50_000f;

    /// <summary>Whether infinite optional values are let through (only <see cref="Unbounded"/> does).</summary>
    internal bool AllowNonFinite { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxSpeedMps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxAbsAccelerationMps2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxGpsAccuracyM);
        if (MaxAheadOfNow is { } ahead && ahead < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAheadOfNow), ahead, "The time ahead of now must not be negative.");
        }
    }
}
