using Telematics.Features.Extraction;
using Telematics.Features.Schema;
using Telematics.Features.Statistics;

namespace Telematics.Features.Aggregation;

/// <summary>
/// A driver's features over a period, updated trip by trip without re-reading old samples, mergeable across
/// periods or shards, and saved as a small binary state.
/// </summary>
/// <remarks>
/// The aggregate keeps the additive totals behind every feature (distances, times, event counts and the
/// quantile histograms), so the driver's vector is the vector of all the trips' samples taken together:
/// shares of km are distance-weighted, shares of time time-weighted, rates per 100 km use the total distance,
/// and quantiles come from the merged histograms. <c>Merge(A, B)</c> equals adding the trips of A and of B to
/// one aggregate. Not thread-safe.
/// </remarks>
public sealed class DriverAggregate
{
    private readonly FeatureTotals _totals = new();
    private int[]? _binIndex;
    private long[]? _binWeight;

    /// <summary>Number of trips added.</summary>
    public long TripCount => _totals.TripCount;

    /// <summary>Total distance of the trips added, km.</summary>
    public double DistanceKm => _totals.DistanceM / 1000.0;

    /// <summary>Adds the trip in <paramref name="trip"/> (its samples so far) to the aggregate.</summary>
    /// <param name="trip">An accumulator holding one complete trip.</param>
    /// <exception cref="ArgumentNullException"><paramref name="trip"/> is null.</exception>
    public void AddTrip(TripFeatureAccumulator trip)
    {
        ArgumentNullException.ThrowIfNull(trip);
        _totals.Add(trip.Snapshot());
    }

    /// <summary>Adds every trip of another aggregate to this one.</summary>
    /// <param name="other">Aggregate of other trips (for example another period or shard).</param>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public void Merge(DriverAggregate other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _totals.Add(other._totals);
    }

    /// <summary>
    /// Adds the trips of a saved state (of one trip, as <see cref="Pipeline.TripFeatures.State"/>, or of a whole aggregate,
    /// as <see cref="ToState"/>) without allocating.
    /// </summary>
    /// <remarks>
    /// Adding the states of trips in the order the trips were added to another aggregate gives that aggregate's totals
    /// bit for bit: this is how stored trips make the same driver vector as the pipeline that measured them.
    /// </remarks>
    /// <param name="state">The saved bytes.</param>
    /// <exception cref="FormatException">The bytes are not a state of a known version, or are truncated; the aggregate is unchanged.</exception>
    public void AddState(ReadOnlySpan<byte> state)
    {
        // Scratch for the decoded histogram bins, made on first use and kept: adding states allocates nothing after.
        _binIndex ??= new int[AggregateState.AllBins];
        _binWeight ??= new long[AggregateState.AllBins];
        AggregateState.Add(state, _totals, _binIndex, _binWeight);
    }

    /// <summary>Forgets every trip.</summary>
    public void Clear() => _totals.Clear();

    /// <summary>Writes the driver's features in <see cref="TelematicsFeatures.Schema"/> order.</summary>
    /// <remarks>
    /// An aggregate of no trips writes 0 for totals and shares and NaN for what needs measured time (speed, behaviour,
    /// phone use), which is not "never at night" but nothing known: <see cref="TelematicsFeatures.ShowsNoDriving"/> tells
    /// such a vector, and the scorer refuses it.
    /// </remarks>
    /// <param name="destination">At least 29 values long.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void WriteFeatures(Span<float> destination) => _totals.WriteFeatures(destination);

    /// <summary>Saves the aggregate as a compact binary state (a few hundred bytes for a typical driver).</summary>
    /// <returns>The state; load it back with <see cref="FromState"/>.</returns>
    public byte[] ToState() => AggregateState.Write(_totals);

    /// <summary>Loads an aggregate saved by <see cref="ToState"/>.</summary>
    /// <param name="state">The saved bytes.</param>
    /// <returns>A new aggregate equal to the one saved.</returns>
    /// <exception cref="FormatException">The bytes are not a state of a known version, or are truncated.</exception>
    public static DriverAggregate FromState(ReadOnlySpan<byte> state)
    {
        var aggregate = new DriverAggregate();
        AggregateState.Read(state, aggregate._totals);
        return aggregate;
    }
}
