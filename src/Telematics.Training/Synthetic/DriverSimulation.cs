using Telematics.Features.Samples;

namespace Telematics.Training.Synthetic;

/// <summary>
/// Second-by-second simulation of one driver's trips over the period. The vehicle follows road legs
/// (residential → secondary → primary → motorway → back), accelerates and brakes within limits set by the
/// driver's aggressiveness, stops at lights, turns at corners, and has harsh episodes, phone handling and
/// GPS gaps at rates set by the driver's style.
/// </summary>
internal sealed class DriverSimulation
{
    private const double MetresPerDegree = 111_320.0;

    // Harsh braking: about 19 hard brakes per 1,000 miles is the US average published from Allstate
    // Drivewise / Progressive Snapshot style programmes (hard brake ≈ 7–8 mph/s ≈ 3.1–3.6 m/s²). That is
    // 0.0118 per km; the lognormal style factor exp(0.9·z) has mean 1.5, and episodes start only above
    // 8 m/s (about three quarters of the distance), hence the base below.
    private const double HardBrakesPerKmAtAverageStyle = 0.0118 / 1.5 / 0.75;

    private readonly DriverProfile _driver;
    private readonly SyntheticPopulationOptions _options;
    private readonly TimeZoneInfo _zone;
    private readonly double _accelComfort;
    private readonly double _decelComfort;
    private readonly double _turnSpeedMps;
    private readonly double _harshBrakePerKm;
    private readonly double _rapidAccelPerSecond;
    private readonly double _phonePerSecond;
    private readonly double _gapPerSecond;
    private readonly double _speedFactor;
    private Xoshiro256 _rng;

    // Plan.
    private int _day = -1;
    private readonly List<long> _tripStartsUtcMs = new(8);
    private readonly List<double> _tripKms = new(8);
    private int _tripIndex;
    private long _earliestNextStartUtcMs;
    private long _eventId;

    // Trip state.
    private bool _inTrip;
    private long _nowUtcMs;
    private double _latDeg, _lonDeg, _homeLatDeg, _homeLonDeg;
    private double _speedMps, _headingDeg;
    private int _leg;
    private RoadLeg _legKind;
    private double _legRemainingM, _blockRemainingM;
    private bool _blockEndsInStop;
    private bool _braking;
    private double _blockTurnDeg;
    private bool _limitKnown;
    private double _legSpeedFactor;
    private int _waitSeconds, _turnSeconds, _harshSeconds, _phoneSeconds, _gapSeconds;
    private double _turnRateDegPerS, _harshAccel;
    private bool _phoneInteracting;
    private readonly double[] _legLengthsM = new double[7];
    private readonly RoadLeg[] _legKinds = new RoadLeg[7];
    private int _legCount;

    public DriverSimulation(DriverProfile driver, SyntheticPopulationOptions options, TimeZoneInfo zone, ulong stream)
    {
        _driver = driver;
        _options = options;
        _zone = zone;
        _rng = Xoshiro256.ForStream(options.Seed, stream);
        var style = driver.Style;
        _accelComfort = Math.Clamp(1.3 + (0.35 * style.Aggressiveness), 0.7, 3.0);
        _decelComfort = Math.Clamp(1.6 + (0.4 * style.Aggressiveness), 1.0, 3.2);
        _turnSpeedMps = Math.Clamp(6.0 + (1.5 * style.Aggressiveness), 4.0, 11.0);
        _harshBrakePerKm = HardBrakesPerKmAtAverageStyle * Math.Exp(0.9 * style.Aggressiveness);
        _rapidAccelPerSecond = 0.004 * Math.Exp(0.9 * style.Aggressiveness);
        _phonePerSecond = Math.Exp(0.9 * style.Distraction) / 900.0;
        _gapPerSecond = options.GpsGapPerMinute / 60.0;
        _speedFactor = Math.Clamp(1.0 + (0.10 * style.Speeding), 0.75, 1.5);
        _homeLatDeg = 41.88 + (_rng.Uniform(-0.3, 0.3));
        _homeLonDeg = -87.63 + (_rng.Uniform(-0.3, 0.3));
    }

    /// <summary>Trips started so far.</summary>
    public int TripCount { get; private set; }

    /// <summary>Appends samples until <paramref name="buffer"/> is full or the period ends.</summary>
    /// <returns><see langword="false"/> when the period has ended and nothing was appended.</returns>
    public bool Fill(SampleBuffer buffer)
    {
        var appended = false;
        while (buffer.Count < buffer.Capacity)
        {
            if (!_inTrip && !StartNextTrip())
            {
                return appended;
            }

            if (Step(buffer))
            {
                appended = true;
            }
        }

        return true;
    }

    private bool StartNextTrip()
    {
        while (_tripIndex >= _tripStartsUtcMs.Count)
        {
            if (++_day >= _driver.ObservedDays)
            {
                return false;
            }

            TripPlanner.PlanDay(ref _rng, _driver, _options.StartDate.AddDays(_day), _zone, _tripStartsUtcMs, _tripKms);
            _tripIndex = 0;
        }

        var start = Math.Max(_tripStartsUtcMs[_tripIndex], _earliestNextStartUtcMs);
        var km = _tripKms[_tripIndex++];
        _nowUtcMs = start;
        _inTrip = true;
        TripCount++;
        _latDeg = _homeLatDeg + _rng.Uniform(-0.02, 0.02);
        _lonDeg = _homeLonDeg + _rng.Uniform(-0.02, 0.02);
        _speedMps = 0;
        _headingDeg = _rng.Uniform(0, 360);
        _waitSeconds = (int)_rng.Uniform(5, 40); // engine on, pulling out
        _turnSeconds = _harshSeconds = _phoneSeconds = _gapSeconds = 0;
        _legCount = TripPlanner.PlanRoute(km, _legKinds, _legLengthsM);
        _leg = -1;
        NextLeg();
        return true;
    }

    private void NextLeg()
    {
        _leg++;
        _legKind = _legKinds[_leg];
        _legRemainingM = _legLengthsM[_leg];
        _limitKnown = _rng.Chance(0.9);
        _legSpeedFactor = Math.Clamp(_speedFactor + (0.06 * NormalTable.Next(ref _rng)), 0.6, 1.7);
        NextBlock();
    }

    private void NextBlock()
    {
        var length = Math.Min(_rng.Uniform(_legKind.MinBlockM, _legKind.MaxBlockM), _legRemainingM);
        if (_legRemainingM - length < _legKind.MinBlockM)
        {
            length = _legRemainingM; // no sliver of a block left at the end of a leg
        }

        _legRemainingM -= length;
        _blockRemainingM = length;
        _braking = false;
        var lastBlockOfTrip = _leg == _legCount - 1 && _legRemainingM <= 0;
        _blockEndsInStop = lastBlockOfTrip || _rng.Chance(_legKind.StopChance);
        _blockTurnDeg = !lastBlockOfTrip && _rng.Chance(_legKind.TurnChance) ? (_rng.Chance(0.5) ? 90 : -90) : 0;
    }

    /// <summary>Advances one second; appends a sample unless inside a GPS gap.</summary>
    private bool Step(SampleBuffer buffer)
    {
        double accel;
        if (_waitSeconds > 0)
        {
            _waitSeconds--;
            accel = 0;
            _speedMps = 0;
        }
        else
        {
            accel = ChooseAcceleration();
            _speedMps = Math.Max(0, _speedMps + accel);
        }

        var yawDegPerS = 0.0;
        if (_turnSeconds > 0)
        {
            _turnSeconds--;
            yawDegPerS = _turnRateDegPerS;
        }
        else if (_speedMps > 1)
        {
            yawDegPerS = 0.6 * NormalTable.Next(ref _rng); // gentle curves and lane changes
        }

        _headingDeg += yawDegPerS;
        if (_headingDeg >= 360) _headingDeg -= 360;
        if (_headingDeg < 0) _headingDeg += 360;

        var step = _speedMps;
        var headingRad = _headingDeg * (Math.PI / 180);
        _latDeg += step * Math.Cos(headingRad) / MetresPerDegree;
        _lonDeg += step * Math.Sin(headingRad) / (MetresPerDegree * Math.Cos(_latDeg * (Math.PI / 180)));
        _nowUtcMs += 1000;
        // Heading turns clockwise; lateral acceleration is positive to the left, so a right turn is negative.
        var lateral = -_speedMps * yawDegPerS * (Math.PI / 180);

        UpdatePhone();
        var emitted = false;
        if (_gapSeconds > 0)
        {
            _gapSeconds--;
        }
        else if (_speedMps > 1 && _rng.NextDouble() < _gapPerSecond)
        {
            _gapSeconds = (int)_rng.Uniform(5, 60);
        }
        else
        {
            Emit(buffer, accel, lateral);
            emitted = true;
        }

        Advance(step);
        return emitted;
    }

    private double ChooseAcceleration()
    {
        if (_harshSeconds > 0)
        {
            _harshSeconds--;
            return _harshAccel;
        }

        if (_turnSeconds > 0)
        {
            return Math.Clamp(_turnSpeedMps - _speedMps, -_decelComfort, 0.3); // no accelerating through a corner
        }

        var cruise = _legKind.LimitMps * _legSpeedFactor;
        var endSpeed = _blockEndsInStop ? 0 : _blockTurnDeg != 0 ? Math.Min(_turnSpeedMps, cruise) : cruise;
        if (_speedMps > endSpeed)
        {
            // Deceleration that reaches the end speed at the block's end, looking half a step ahead since the
            // simulation moves in whole seconds; braking starts once it nears the driver's comfortable rate.
            var distance = Math.Max(_blockRemainingM - (0.5 * _speedMps), 1);
            var required = ((_speedMps * _speedMps) - (endSpeed * endSpeed)) / (2 * distance);
            if (_braking || required >= 0.85 * _decelComfort)
            {
                _braking = true;
                return -Math.Min(Math.Max(required, 0.5), 7.0);
            }
        }
        else if (_braking)
        {
            return endSpeed - _speedMps; // hold the stop or the turn speed until the block ends
        }

        if (_speedMps > 8 && _rng.NextDouble() < _harshBrakePerKm * _speedMps / 1000)
        {
            _harshSeconds = _rng.Chance(0.5) ? 1 : 2;
            _harshAccel = -(3.8 + (2.0 * _rng.NextDouble()));
            return _harshAccel;
        }

        if (_speedMps < 15 && cruise > _speedMps + 3 && _rng.NextDouble() < _rapidAccelPerSecond)
        {
            _harshSeconds = _rng.Chance(0.5) ? 1 : 2;
            _harshAccel = 3.6 + (1.2 * _rng.NextDouble());
            return _harshAccel;
        }

        return Math.Clamp(cruise - _speedMps, -_decelComfort, _accelComfort);
    }

    private void UpdatePhone()
    {
        if (_phoneSeconds > 0)
        {
            _phoneSeconds--;
        }
        else if (_speedMps > 1 && _rng.NextDouble() < _phonePerSecond)
        {
            _phoneSeconds = (int)_rng.Uniform(10, 90);
            _phoneInteracting = _rng.Chance(0.6);
        }
    }

    private void Advance(double metres)
    {
        _blockRemainingM -= metres;
        // A stop counts as reached a few metres short of the line, as drivers do.
        var arrived = _blockRemainingM <= 0 || (_blockEndsInStop && _braking && _speedMps < 1 && _blockRemainingM < 10);
        if (!arrived)
        {
            return;
        }

        if (_blockEndsInStop && _speedMps < 1)
        {
            _speedMps = 0;
            if (_leg == _legCount - 1 && _legRemainingM <= 0)
            {
                EndTrip();
                return;
            }

            _waitSeconds = _legKind.Road == RoadClass.Residential ? (int)_rng.Uniform(1, 4) : (int)_rng.Uniform(5, 45);
        }
        else if (_blockEndsInStop)
        {
            return; // still braking into the stop line
        }

        if (_blockTurnDeg != 0)
        {
            _turnSeconds = 3;
            _turnRateDegPerS = _blockTurnDeg / 3;
        }

        if (_legRemainingM > 0)
        {
            NextBlock();
        }
        else if (_leg < _legCount - 1)
        {
            NextLeg();
        }
        else
        {
            EndTrip();
        }
    }

    private void EndTrip()
    {
        _inTrip = false;
        _speedMps = 0;
        // Parked for at least 10 minutes: longer than the 300 s that ends a trip in segmentation.
        _earliestNextStartUtcMs = _nowUtcMs + (long)(_rng.Uniform(10, 40) * 60_000);
    }

    private void Emit(SampleBuffer buffer, double accel, double lateral)
    {
        var noise = _options.GpsNoiseM / MetresPerDegree;
        var flags = _phoneSeconds > 0
            ? SampleFlags.PhoneHandheld | (_phoneInteracting ? SampleFlags.PhoneInteraction : SampleFlags.None)
            : SampleFlags.None;
        buffer.Add(new TelematicsSample(
            _nowUtcMs,
            _latDeg + (noise * NormalTable.Next(ref _rng)),
            _lonDeg + (noise * NormalTable.Next(ref _rng) / Math.Cos(_latDeg * (Math.PI / 180))))
        {
            SpeedMps = (float)Math.Max(0, _speedMps + (0.15 * NormalTable.Next(ref _rng))),
            HeadingDeg = (float)_headingDeg,
            LongitudinalAccelMps2 = (float)(accel + (0.1 * NormalTable.Next(ref _rng))),
            LateralAccelMps2 = (float)(lateral + (0.1 * NormalTable.Next(ref _rng))),
            GpsAccuracyM = (float)(3 + (5 * _rng.NextDouble())),
            SpeedLimitMps = _limitKnown ? _legKind.LimitMps : float.NaN,
            RoadClass = _legKind.Road,
            Flags = flags,
            EventId = ++_eventId,
        });
    }
}
