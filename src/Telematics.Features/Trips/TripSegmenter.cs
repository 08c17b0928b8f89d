using Telematics.Features.Cleaning;
using Telematics.Features.Geo;
using Telematics.Features.Samples;

namespace Telematics.Features.Trips;

/// <summary>
/// Cuts a driver's stream of cleaned, time-ordered samples into trips, chunk by chunk: a gap of at least
/// <see cref="TripSegmentationOptions.MaxGapS"/> or a stationary spell of at least
/// <see cref="TripSegmentationOptions.MaxStationaryS"/> ends the open trip, and so does a step faster than 300 km/h
/// (the cleaner passes one only where it starts a new track after a short wrong one; it is not distance driven). When
/// the source names its trips (<see cref="SampleFlags.TripIdKnown"/>), a change of trip id ends the open trip too, as a
/// gap would, whatever the speed or time: two trips a minute apart stay two.
/// </summary>
/// <remarks>
/// A trip starts at the first moving sample (speed at or above
/// <see cref="TripSegmentationOptions.StationarySpeedMps"/>; a missing speed counts as stationary), together with
/// the stationary sample just before it when that one is closer than the gap, so the first interval of motion
/// is not lost. A trip ended by a stationary spell ends at the spell's first sample. Decisions are taken
/// sample by sample with the state kept between calls, so the same samples give the same trips however they
/// are chunked. A sample without a trip id is compared with none: the id change is judged between the last sample that
/// had one and the next, by the reader's exact mark (<see cref="SampleFlags.TripIdChanged"/>) or a change of tag (see
/// <see cref="TripTag"/> for how ids are told apart). Trips are emitted when they close; call
/// <see cref="Complete"/> at the end of the stream to close the last one. Not thread-safe.
/// </remarks>
public sealed class TripSegmenter
{
    private readonly long _gapMs;
    private readonly long _stationaryMs;
    private readonly float _movingSpeedMps;
    private readonly double _minDistanceM;
    private readonly long _minDurationMs;

    private SampleBuffer? _open;
    private SampleBuffer? _spare;
    private double _distanceM;
    private int _stationaryStart = -1;
    private long _stationaryStartT;
    private double _distanceAtStationaryM;
    private bool _hasLast;
    private TelematicsSample _last;
    private bool _lastWasIdle;

    // The trip bits of the last sample that had a trip id (None before any): a sample without one between two ids
    // neither ends a trip nor hides the change.
    private SampleFlags _lastTripId;

    /// <summary>Creates a segmenter.</summary>
    /// <param name="options">Thresholds; <see cref="TripSegmentationOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public TripSegmenter(TripSegmentationOptions? options = null)
    {
        options ??= TripSegmentationOptions.Default;
        options.Validate();
        _gapMs = (long)(options.MaxGapS * 1000.0);
        _stationaryMs = (long)(options.MaxStationaryS * 1000.0);
        _movingSpeedMps = options.StationarySpeedMps;
        _minDistanceM = options.MinDistanceM;
        _minDurationMs = (long)(options.MinDurationS * 1000.0);
    }

    /// <summary>Trips closed so far that were shorter than the minimum distance or duration.</summary>
    public long DiscardedTripCount { get; private set; }

    /// <summary>Whether a trip is open (has started and not yet ended).</summary>
    public bool HasOpenTrip => _open is not null;

    /// <summary>Feeds the next chunk; trips that close inside it are added to <paramref name="closedTrips"/>.</summary>
    /// <param name="chunk">Cleaned samples in increasing timestamp order, following the previous chunk.</param>
    /// <param name="closedTrips">Receives each trip that closes, in order.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public void Push(SampleBuffer chunk, ICollection<SegmentedTrip> closedTrips)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(closedTrips);
        for (var i = 0; i < chunk.Count; i++)
        {
            Next(chunk[i], closedTrips);
        }
    }

    /// <summary>Ends the stream: closes the open trip, if any, and forgets the last sample.</summary>
    /// <param name="closedTrips">Receives the last trip when it is long enough.</param>
    /// <exception cref="ArgumentNullException"><paramref name="closedTrips"/> is null.</exception>
    public void Complete(ICollection<SegmentedTrip> closedTrips)
    {
        ArgumentNullException.ThrowIfNull(closedTrips);
        if (_open is not null)
        {
            CloseOpenTrip(closedTrips);
        }

        _hasLast = false;
        _lastTripId = SampleFlags.None;
    }

    /// <summary>
    /// Takes back the samples of a trip its owner is done with, so that a later trip fills them instead of growing a new
    /// buffer (the pipeline measures each trip once and keeps only its vector). The largest buffer handed back is kept.
    /// </summary>
    internal void Reuse(SegmentedTrip trip)
    {
        if (_spare is null || trip.Samples.Capacity > _spare.Capacity)
        {
            _spare = trip.Samples;
        }
    }

    private void Next(in TelematicsSample sample, ICollection<SegmentedTrip> closedTrips)
    {
        var t = sample.TimestampUnixMs;
        var stepM = 0.0;
        var newTripId = TripTag.MarksChange(sample.Flags) || TripTag.Differ(_lastTripId, sample.Flags);
        if ((sample.Flags & SampleFlags.TripIdKnown) != 0)
        {
            _lastTripId = sample.Flags & (SampleFlags.TripIdKnown | SampleFlags.TripTagMask);
        }

        if (_open is not null)
        {
            stepM = GeoMath.HaversineM(_last.LatitudeDeg, _last.LongitudeDeg, sample.LatitudeDeg, sample.LongitudeDeg);
            var dtMs = t - _last.TimestampUnixMs;
            if (dtMs >= _gapMs || !TrackContinuity.IsTravel(stepM, dtMs) || newTripId)
            {
                // A step no vehicle makes is a new track (see TrackContinuity), not distance driven; a new trip id is
                // the source's own cut, and the step across it belongs to neither trip.
                CloseOpenTrip(closedTrips);
            }
        }

        var moving = sample.SpeedMps >= _movingSpeedMps;
        if (_open is null)
        {
            if (moving)
            {
                StartTrip(sample);
            }
            else
            {
                _lastWasIdle = true;
            }
        }
        else
        {
            _distanceM += stepM;
            _open.Add(sample);
            if (moving)
            {
                _stationaryStart = -1;
            }
            else if (_stationaryStart < 0)
            {
                _stationaryStart = _open.Count - 1;
                _stationaryStartT = t;
                _distanceAtStationaryM = _distanceM;
            }
            else if (t - _stationaryStartT >= _stationaryMs)
            {
                CloseOpenTrip(closedTrips);
                _lastWasIdle = true;
            }
        }

        _hasLast = true;
        _last = sample;
    }

    private void StartTrip(in TelematicsSample sample)
    {
        var buffer = _spare ?? new SampleBuffer();
        _spare = null;
        buffer.Clear();
        _distanceM = 0;
        // The stationary sample before the first motion belongs to this trip only if it is not of another trip id.
        if (_hasLast && _lastWasIdle && sample.TimestampUnixMs - _last.TimestampUnixMs < _gapMs && !TripTag.Differ(_last.Flags, sample.Flags)
            && !TripTag.MarksChange(sample.Flags))
        {
            var stepM = GeoMath.HaversineM(_last.LatitudeDeg, _last.LongitudeDeg, sample.LatitudeDeg, sample.LongitudeDeg);
            if (TrackContinuity.IsTravel(stepM, sample.TimestampUnixMs - _last.TimestampUnixMs))
            {
                buffer.Add(_last);
                _distanceM = stepM;
            }
        }

        buffer.Add(sample);
        _open = buffer;
        _stationaryStart = -1;
        _lastWasIdle = false;
    }

    private void CloseOpenTrip(ICollection<SegmentedTrip> closedTrips)
    {
        var trip = _open!;
        var distanceM = _distanceM;
        if (_stationaryStart >= 0)
        {
            trip.Truncate(_stationaryStart + 1);
            distanceM = _distanceAtStationaryM;
        }

        _open = null;
        _stationaryStart = -1;
        _lastWasIdle = false;
        var ts = trip.TimestampUnixMs;
        var durationMs = ts[^1] - ts[0];
        if (distanceM < _minDistanceM || durationMs < _minDurationMs)
        {
            DiscardedTripCount++;
            _spare = trip;
            return;
        }

        closedTrips.Add(new SegmentedTrip(trip, distanceM));
    }
}
