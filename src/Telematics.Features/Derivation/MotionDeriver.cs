using Telematics.Features.Cleaning;
using Telematics.Features.Geo;
using Telematics.Features.Samples;

namespace Telematics.Features.Derivation;

/// <summary>
/// Fills in missing motion fields of cleaned, time-ordered samples from the physics of the track: speed from
/// positions over time, heading from the bearing between fixes, longitudinal acceleration from speed deltas
/// and lateral acceleration from speed × yaw rate.
/// </summary>
/// <remarks>
/// Every derivative is a backward difference over the interval ending at the sample, so a derived value
/// describes the interval (previous sample, this sample]. Values present in the input are never changed. The
/// first sample of a stream, and a sample after an interval longer than
/// <see cref="MotionDerivationOptions.MaxIntervalS"/>, keep their missing fields (NaN), except that a missing speed is
/// still derived as the average over an interval up to <see cref="MotionDerivationOptions.MaxSpeedIntervalS"/>, so
/// that a sparse tracker's positions (a fix every 15–60 s, no speed) still show when the vehicle moves. Nothing is
/// derived from positions over a step faster than 300 km/h (where the cleaner started a new track). The deriver keeps the
/// previous sample between chunks, so the result does not depend on how the stream is chunked. A lateral acceleration
/// is left missing (NaN) rather than derived from a heading change that is noise or impossible: a given heading's change
/// while the vehicle moves less than <see cref="MotionDerivationOptions.MinHeadingDistanceM"/>, a turn tighter than
/// <see cref="MotionDerivationOptions.MinTurningRadiusM"/> or harder than <see cref="MotionDerivationOptions.MaxLateralAccelMps2"/>.
/// A speed derived from positions over an interval up to <see cref="MotionDerivationOptions.MaxIntervalS"/> is 0 while the
/// vehicle rests (once a derived speed falls below <see cref="MotionDerivationOptions.PositionNoiseM"/> per 5 s, until a
/// fix lies farther than that, or the fix's accuracy, from where it came to rest), with no acceleration derived from
/// such a 0; a derived speed that changes faster than <see cref="MotionDerivationOptions.MaxDerivedLongitudinalAccelMps2"/>
/// is a jumped fix, left missing with its acceleration. Given speeds are never subject to either rule.
/// Not thread-safe.
/// </remarks>
public sealed class MotionDeriver
{
    private readonly long _maxIntervalMs;
    private readonly long _maxSpeedIntervalMs;
    private readonly double _minHeadingDistanceM;
    private readonly double _minTurningRadiusM;
    private readonly double _maxLateralAccelMps2;
    private readonly double _positionNoiseM;
    private readonly double _maxDerivedAccelMps2;
    private bool _hasPrevious;

    // Where a vehicle whose speed comes from positions came to rest, while it rests there.
    private bool _resting;
    private int _glitches;
    private double _restLat;
    private double _restLon;
    private long _t;
    private double _lat;
    private double _lon;
    private float _speed;
    private float _heading;

    /// <summary>Creates a deriver.</summary>
    /// <param name="options">Limits; <see cref="MotionDerivationOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public MotionDeriver(MotionDerivationOptions? options = null)
    {
        options ??= MotionDerivationOptions.Default;
        options.Validate();
        _maxIntervalMs = (long)(options.MaxIntervalS * 1000.0);
        _maxSpeedIntervalMs = Math.Max(_maxIntervalMs, (long)(options.MaxSpeedIntervalS * 1000.0));
        _minHeadingDistanceM = options.MinHeadingDistanceM;
        _minTurningRadiusM = options.MinTurningRadiusM;
        _maxLateralAccelMps2 = options.MaxLateralAccelMps2;
        _positionNoiseM = options.PositionNoiseM;
        _maxDerivedAccelMps2 = options.MaxDerivedLongitudinalAccelMps2;
    }

    /// <summary>Derives the missing fields of a chunk in place.</summary>
    /// <param name="chunk">Cleaned samples in increasing timestamp order, following the previous chunk.</param>
    /// <exception cref="ArgumentNullException"><paramref name="chunk"/> is null.</exception>
    public void Derive(SampleBuffer chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var ts = chunk.TimestampUnixMs;
        var lat = chunk.LatitudeDeg;
        var lon = chunk.LongitudeDeg;
        var speed = chunk.SpeedMps;
        var heading = chunk.HeadingDeg;
        var longitudinal = chunk.LongitudinalAccelMps2;
        var lateral = chunk.LateralAccelMps2;
        var accuracy = chunk.GpsAccuracyM;
        for (var i = 0; i < ts.Length; i++)
        {
            var dtMs = ts[i] - _t;
            double distanceM = -1;
            var dense = _hasPrevious && dtMs > 0 && dtMs <= _maxIntervalMs;
            if (dense && (float.IsNaN(speed[i]) || float.IsNaN(heading[i])))
            {
                // A step no vehicle makes, where the cleaner started a new track, derives nothing (see TrackContinuity).
                distanceM = GeoMath.HaversineM(_lat, _lon, lat[i], lon[i]);
                dense = TrackContinuity.IsTravel(distanceM, dtMs);
            }

            if (_hasPrevious && dtMs > _maxIntervalMs && dtMs <= _maxSpeedIntervalMs && float.IsNaN(speed[i]))
            {
                // A sparse tracker's interval: an average speed tells driving from standing; nothing else is derived.
                distanceM = GeoMath.HaversineM(_lat, _lon, lat[i], lon[i]);
                if (TrackContinuity.IsTravel(distanceM, dtMs))
                {
                    speed[i] = (float)(distanceM / (dtMs / 1000.0));
                }
            }
            else if (dense)
            {
                var dtS = dtMs / 1000.0;
                var fromPositions = float.IsNaN(speed[i]);
                var resting = false;
                var glitch = false;
                if (fromPositions)
                {
                    (resting, glitch) = PositionSpeed(ref speed[i], distanceM, dtS, lat[i], lon[i], accuracy[i]);
                }

                var headingGiven = !float.IsNaN(heading[i]);
                if (!headingGiven)
                {
                    // Standing still or creeping: keep the last heading rather than turning on GPS noise.
                    heading[i] = distanceM >= _minHeadingDistanceM && !resting
                        ? (float)GeoMath.BearingDeg(_lat, _lon, lat[i], lon[i])
                        : _heading;
                }

                if (float.IsNaN(longitudinal[i]))
                {
                    // A derived 0 at rest is the noise floor, not a measured speed: no acceleration to or from it.
                    // Coming to rest keeps its step: that speed is still derived, only the ones after it are the floor.
                    longitudinal[i] = fromPositions && (_resting || glitch)
                        ? float.NaN
                        : (float)((speed[i] - _speed) / dtS);
                }

                if (glitch)
                {
                    // One jumped fix: the next is judged from the last trusted one (the fix may come back). Two in a row:
                    // the position moved for good (a receiver catching up), so derivation goes on from here, speed unknown.
                    _glitches++;
                    if (_glitches == 1)
                    {
                        heading[i] = headingGiven ? heading[i] : _heading;
                        continue;
                    }

                    _glitches = 0;
                    _resting = false;
                    _hasPrevious = true;
                    _t = ts[i];
                    _lat = lat[i];
                    _lon = lon[i];
                    _speed = float.NaN;
                    _heading = heading[i];
                    continue;
                }

                _glitches = 0;
                _resting = resting;

                if (float.IsNaN(lateral[i]))
                {
                    var bothSpeeds = !float.IsNaN(_speed) && !float.IsNaN(speed[i]);

                    // A receiver's own heading is noise while it barely moves, like a bearing over a short hop.
                    var trusted = !headingGiven || (bothSpeeds ? (_speed + speed[i]) * 0.5 * dtS
                        : distanceM >= 0 ? distanceM : GeoMath.HaversineM(_lat, _lon, lat[i], lon[i])) >= _minHeadingDistanceM;

                    // Heading grows clockwise, so a right turn (positive rate) pulls the car to the right,
                    // which is negative in the vehicle frame (positive to the left).
                    var yawRateRadS = GeoMath.HeadingDifferenceDeg(_heading, heading[i]) * GeoMath.DegToRad / dtS;
                    var lateralMps2 = -speed[i] * yawRateRadS;
                    var fastestMps = bothSpeeds ? Math.Max(_speed, speed[i]) : speed[i];

                    // A turn tighter than a car can steer, or harder than tyres grip, is a bad heading, not an event.
                    lateral[i] = trusted && Math.Abs(yawRateRadS) * _minTurningRadiusM <= fastestMps && Math.Abs(lateralMps2) <= _maxLateralAccelMps2
                        ? (float)lateralMps2
                        : float.NaN;
                }
            }

            if (!dense)
            {
                _resting = false;
                _glitches = 0;
            }

            _hasPrevious = true;
            _t = ts[i];
            _lat = lat[i];
            _lon = lon[i];
            _speed = speed[i];
            _heading = heading[i];
        }
    }

    /// <summary>Forgets the previous sample, to start a new stream.</summary>
    public void Reset()
    {
        _hasPrevious = false;
        _resting = false;
        _glitches = 0;
    }

    /// <summary>
    /// Sets a speed derived from positions over a dense interval: 0 while the fix stays within GPS noise of where the
    /// vehicle came to rest, missing (NaN) where it changes faster than tyres allow (a jumped fix), else distance over time.
    /// </summary>
    /// <returns>Whether the vehicle rests at this fix, and whether the fix is a glitch.</returns>
    private (bool Resting, bool Glitch) PositionSpeed(ref float speed, double distanceM, double dtS, double lat, double lon, float accuracyM)
    {
        // The fix's own accuracy where it gives one, else the documented default.
        var noiseM = accuracyM > 0 ? accuracyM : _positionNoiseM;
        if (_resting && GeoMath.HaversineM(_restLat, _restLon, lat, lon) <= noiseM)
        {
            speed = 0;
            return (true, false);
        }

        var derived = (float)(distanceM / dtS);

        // From rest the speed before was 0; a change beyond tyre grip is a fix that jumped, not an event. Judged over at
        // least a second: above 1 Hz, decimetres of jitter change a per-step speed by more than grip allows in that step.
        var before = _resting ? 0f : _speed;
        if (Math.Abs(derived - before) > _maxDerivedAccelMps2 * Math.Max(dtS, 1.0))
        {
            speed = float.NaN;
            return (false, true);
        }

        speed = derived;

        // Slower than the typical noise radius per 5 s: the vehicle has come to rest here. Not the fix's own accuracy, which
        // can be tens of metres and would read a crawl in traffic as standing.
        if (distanceM < _positionNoiseM * dtS / 5.0)
        {
            _restLat = lat;
            _restLon = lon;
            return (true, false);
        }

        return (false, false);
    }
}
