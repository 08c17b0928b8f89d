namespace Telematics.Service.Storage;

/// <summary>
/// Drivers' vectors over a period, each combined from the stored states of the driver's trips in start order by
/// <see cref="Features.Aggregation.DriverAggregate.AddState"/>: the vector the feature pipeline gives for the same trips.
/// Struct-of-arrays: row <c>i</c> is driver <see cref="DriverIds"/>[i] with <see cref="TripCounts"/>[i] trips and its
/// features at <see cref="Features"/>[i·<see cref="Width"/> …].
/// </summary>
/// <remarks>
/// Only drivers with at least one trip in the period have a row, in ascending driver id order. A driver with a trip
/// whose state is missing (stored before the state existed and not yet backfilled) or unreadable has a
/// <see cref="Problems"/> entry instead of a usable vector: no vector is ever made from part of a driver's trips.
/// </remarks>
public sealed class DriverVectorMatrix
{
    /// <summary>Wraps the arrays a store filled (not copied).</summary>
    /// <param name="count">Rows used.</param>
    /// <param name="driverIds">Driver of each row, ascending.</param>
    /// <param name="tripCounts">Trips combined into each row.</param>
    /// <param name="features">Row-major vectors, <paramref name="width"/> values per row.</param>
    /// <param name="width">Features per row.</param>
    /// <param name="problems">Per row, why it has no usable vector, or null.</param>
    public DriverVectorMatrix(int count, long[] driverIds, int[] tripCounts, float[] features, int width, string?[] problems)
    {
        Count = count;
        DriverIds = driverIds;
        TripCounts = tripCounts;
        Features = features;
        Width = width;
        Problems = problems;
    }

    /// <summary>Number of drivers (rows).</summary>
    public int Count { get; }

    /// <summary>Features per driver (29 for schema <c>telematics</c> v1).</summary>
    public int Width { get; }

    /// <summary>Driver of each row, ascending; the array may be longer than <see cref="Count"/>.</summary>
    public long[] DriverIds { get; }

    /// <summary>Trips combined into each row.</summary>
    public int[] TripCounts { get; }

    /// <summary>All feature values, row-major, <see cref="Width"/> per row.</summary>
    public float[] Features { get; }

    /// <summary>Why a row has no usable vector (a trip without a readable state), else null.</summary>
    public string?[] Problems { get; }

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
