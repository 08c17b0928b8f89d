using Telematics.Features.Aggregation;
using Telematics.Features.Cleaning;
using Telematics.Features.Derivation;
using Telematics.Features.Extraction;
using Telematics.Features.Imu;
using Telematics.Features.Samples;
using Telematics.Features.Schema;
using Telematics.Features.Statistics;
using Telematics.Features.Trips;

namespace Telematics.Features.Pipeline;

/// <summary>
/// Turns one driver's stream of sample chunks into trips with feature vectors and the driver's aggregate:
/// each chunk is cleaned, its missing motion fields derived, and cut into trips; every trip that closes is
/// measured and added to <see cref="Aggregate"/>.
/// </summary>
/// <remarks>
/// Feed chunks in arrival order with <see cref="Push"/>, then call <see cref="Complete"/> to close the last trip,
/// or hand an async stream to <see cref="RunAsync"/>. For a stream in time order (disorder within a chunk included)
/// the result does not depend on how it is chunked. Cleaning sorts within a chunk only: a sample earlier than one of an
/// earlier chunk is dropped as late (counted in <see cref="Cleaning"/>), so what an unsorted stream loses depends on
/// the chunking. Sort such input first, or read it with
/// <see cref="Ingest.SampleReaderOptions.RejectRecordsBeforeEarlierChunks"/> so that each such record is named.
/// Chunks are rewritten in place (cleaned and derived) and may be reused by the caller once
/// <see cref="Push"/> returns. A trip's <see cref="TelematicsFeatures.DroppedRecordShare"/> counts the dropped
/// records whose timestamps fall inside the trip. Not thread-safe: one pipeline per driver stream.
/// </remarks>
public sealed class DriverFeaturePipeline
{
    private readonly SampleCleaner _cleaner;
    private readonly MotionDeriver _deriver;
    private readonly TripSegmenter _segmenter;
    private readonly TripFeatureAccumulator _accumulator;
    private readonly List<SegmentedTrip> _closed = [];
    private readonly List<long> _droppedTimestamps = [];
    private readonly float[] _vector = new float[TelematicsFeatures.Schema.Count];

    /// <summary>Creates a pipeline for a driver.</summary>
    /// <param name="zone">The driver's IANA time zone, for the local time-of-day features.</param>
    /// <param name="options">Options of every stage; <see cref="DriverPipelineOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="zone"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public DriverFeaturePipeline(TimeZoneInfo zone, DriverPipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(zone);
        options ??= DriverPipelineOptions.Default;
        options.Validate();
        _cleaner = new SampleCleaner(options.Cleaning);
        _deriver = new MotionDeriver(options.Derivation);
        _segmenter = new TripSegmenter(options.Segmentation);
        _accumulator = new TripFeatureAccumulator(zone, options.Extraction);
    }

    /// <summary>The driver's aggregate over every trip emitted so far.</summary>
    public DriverAggregate Aggregate { get; } = new();

    /// <summary>
    /// Phone motion-sensor evidence of this driver's trips (manoeuvres, covered spans, handling), or <see langword="null"/>
    /// (the default) for GPS-only data; see <see cref="TripFeatureAccumulator.Imu"/> for how it enters the features.
    /// </summary>
    /// <remarks>Set it before pushing the chunks it covers; trips already emitted are not measured again.</remarks>
    public ImuTripEvidence? Imu
    {
        get => _accumulator.Imu;
        set => _accumulator.Imu = value;
    }

    /// <summary>Cleaning totals over every chunk so far.</summary>
    public CleaningReport Cleaning => _cleaner.Total;

    /// <summary>Trips discarded so far as shorter than the minimum distance or duration.</summary>
    public long DiscardedTripCount => _segmenter.DiscardedTripCount;

    /// <summary>Feeds the next chunk of the driver's samples.</summary>
    /// <param name="chunk">Raw samples in arrival order; cleaned and derived in place.</param>
    /// <returns>The trips that closed inside this chunk, in time order (often none).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="chunk"/> is null.</exception>
    public IReadOnlyList<TripFeatures> Push(SampleBuffer chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        _cleaner.Clean(chunk, _droppedTimestamps);
        _deriver.Derive(chunk);
        _segmenter.Push(chunk, _closed);
        return Drain();
    }

    /// <summary>Ends the stream: closes the open trip and returns it when it is long enough.</summary>
    /// <returns>The last trip, or nothing.</returns>
    public IReadOnlyList<TripFeatures> Complete()
    {
        _segmenter.Complete(_closed);
        var trips = Drain();
        _droppedTimestamps.Clear();
        return trips;
    }

    /// <summary>Runs a whole stream of chunks through a new pipeline.</summary>
    /// <param name="chunks">The driver's chunks in arrival order; each is rewritten in place.</param>
    /// <param name="zone">The driver's IANA time zone.</param>
    /// <param name="options">Options of every stage; defaults when null.</param>
    /// <param name="cancellationToken">Stops the run between chunks.</param>
    /// <returns>The trips, the driver aggregate, the cleaning totals and the discarded-trip count.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static async Task<DriverFeatureResult> RunAsync(
        IAsyncEnumerable<SampleBuffer> chunks,
        TimeZoneInfo zone,
        DriverPipelineOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var pipeline = new DriverFeaturePipeline(zone, options);
        var trips = new List<TripFeatures>();
        await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            trips.AddRange(pipeline.Push(chunk));
        }

        trips.AddRange(pipeline.Complete());
        return new DriverFeatureResult(trips, pipeline.Aggregate, pipeline.Cleaning, pipeline.DiscardedTripCount);
    }

    private IReadOnlyList<TripFeatures> Drain()
    {
        if (_closed.Count == 0)
        {
            return [];
        }

        var results = new TripFeatures[_closed.Count];
        for (var i = 0; i < _closed.Count; i++)
        {
            results[i] = Measure(_closed[i]);
            _segmenter.Reuse(_closed[i]);
        }

        _closed.Clear();
        return results;
    }

    private TripFeatures Measure(SegmentedTrip trip)
    {
        var dropped = TakeDroppedUpTo(trip.StartUnixMs, trip.EndUnixMs);
        _accumulator.Reset();
        _accumulator.Add(new SampleSpan(trip.Samples));
        _accumulator.AddDroppedRecords(dropped);
        var totals = _accumulator.Snapshot();
        totals.WriteFeatures(_vector);
        Aggregate.AddTrip(_accumulator);
        return new TripFeatures(trip.StartUnixMs, trip.EndUnixMs, trip.DistanceM / 1000.0, trip.SampleCount, dropped, _vector.ToArray())
        {
            State = AggregateState.Write(totals),
        };
    }

    // Counts dropped records inside [start, end] and forgets every one up to end: later trips start after it.
    private long TakeDroppedUpTo(long startUnixMs, long endUnixMs)
    {
        long inside = 0;
        var kept = 0;
        for (var i = 0; i < _droppedTimestamps.Count; i++)
        {
            var t = _droppedTimestamps[i];
            if (t > endUnixMs)
            {
                _droppedTimestamps[kept++] = t;
            }
            else if (t >= startUnixMs)
            {
                inside++;
            }
        }

        _droppedTimestamps.RemoveRange(kept, _droppedTimestamps.Count - kept);
        return inside;
    }
}
