namespace Telematics.Storage.Postgres.Trips;

/// <summary>
/// Trip feature vectors read for scoring, struct-of-arrays: row <c>i</c> is trip <see cref="TripIds"/>[i] of driver
/// <see cref="DriverIds"/>[i] and its features are <see cref="Features"/>[i·29 … i·29+28] in <c>TelematicsFeatures.Schema</c> order.
/// </summary>
/// <remarks>Rows are ordered by driver, then start time. Not thread-safe for writing; the arrays belong to the caller.</remarks>
public sealed class TripFeatureMatrix
{
    internal TripFeatureMatrix(int count, long[] driverIds, long[] tripIds, long[] startedAtUnixMs, float[] features, int width)
    {
        Count = count;
        DriverIds = driverIds;
        TripIds = tripIds;
        StartedAtUnixMs = startedAtUnixMs;
        Features = features;
        Width = width;
    }

    /// <summary>Number of trips (rows).</summary>
    public int Count { get; }

    /// <summary>Features per trip (29 for schema <c>telematics</c> v1).</summary>
    public int Width { get; }

    /// <summary>Driver of each row; the array may be longer than <see cref="Count"/>.</summary>
    public long[] DriverIds { get; }

    /// <summary>Trip id of each row; the array may be longer than <see cref="Count"/>.</summary>
    public long[] TripIds { get; }

    /// <summary>Trip start of each row, milliseconds since the Unix epoch (UTC).</summary>
    public long[] StartedAtUnixMs { get; }

    /// <summary>All feature values, row-major, <see cref="Width"/> per row.</summary>
    public float[] Features { get; }

    /// <summary>The features of one row.</summary>
    /// <param name="row">Row index, less than <see cref="Count"/>.</param>
    /// <returns>The row's <see cref="Width"/> features.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside the matrix.</exception>
    public ReadOnlySpan<float> GetFeatures(int row)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Count, nameof(row));
        return Features.AsSpan(row * Width, Width);
    }
}
