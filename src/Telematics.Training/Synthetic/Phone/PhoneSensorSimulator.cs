using System.Numerics;
using Telematics.Features.Imu;

namespace Telematics.Training.Synthetic.Phone;

/// <summary>
/// Simulates a phone riding in a car, with ground truth: vehicle manoeuvres (aggressive and calm) → vehicle-frame
/// acceleration and yaw rate with body roll and pitch → a random mounting (dashboard, cup holder, pocket; handled and
/// sometimes moved mid-trip) → accelerometer and gyroscope readings with gravity, bias, noise, engine and road vibration,
/// irregular sampling and gaps, in the device or the Earth frame.
/// </summary>
/// <remarks>Deterministic: the same options and seed give the same trip. Thread-safe (no shared state).</remarks>
public static class PhoneSensorSimulator
{
    private const double G = 9.80665;

    // Body roll and pitch per m/s² of lateral / longitudinal acceleration: about 4°/g and 2.5°/g for a passenger car.
    private const double RollPerMps2 = 0.007;
    private const double PitchPerMps2 = 0.0045;

    /// <summary>Simulates one trip.</summary>
    /// <param name="options">What to simulate.</param>
    /// <param name="seed">Random seed.</param>
    /// <returns>The readings and their ground truth.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static SimulatedPhoneTrip Simulate(PhoneSimulationOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var random = Xoshiro256.ForStream(seed, 0x50484F4E45);
        var truth = new VehicleTruth();
        var labels = new List<LabelledManoeuvre>();
        var handlingTimes = new List<(double Start, double End)>();
        var script = new VehicleScript(truth, labels, options.StartNs, Xoshiro256.ForStream(seed, 1), options.StraightRoad);
        Drive(options, script, truth, handlingTimes, ref random);

        var mount = PhoneOrientation.Draw(options.Mounting, ref random, out var description);
        var orientation = new PhoneOrientation(mount, options.Mounting == PhoneMounting.Pocket, random.Uniform(0, 6));
        var handling = new List<(long, long)>();
        for (var i = 0; i < handlingTimes.Count; i++)
        {
            var (start, end) = handlingTimes[i];
            var after = mount;
            if (options.MoveMidTrip && i == 0)
            {
                after = PhoneOrientation.Draw(options.Mounting, ref random, out var moved);
                description += "; moved to " + moved;
            }

            orientation.AddHandling(start, end, PhoneOrientation.DrawHand(ref random), after);
            mount = after;
            handling.Add((options.StartNs + (long)(start * 1e9), options.StartNs + (long)(end * 1e9)));
        }

        var recording = new ImuRecording { Frame = options.Frame, IsEpochTime = true };
        var sensors = new SensorModel(ref random);
        sensors.AddVibration(options, truth.Seconds, ref random);
        Sample(options, truth, orientation, sensors, recording, ref random);
        labels.Sort((a, b) => a.StartNs.CompareTo(b.StartNs));
        return new SimulatedPhoneTrip(recording, labels, handling, description);
    }

    private enum Act
    {
        HarshBraking, HarshAcceleration, HarshLeft, HarshRight, AggressiveLeftLane, AggressiveRightLane,
        GentleStop, FirmBraking, NormalLeft, NormalRight, GentleLeftLane, GentleRightLane, Handling,
    }

    private static void Drive(PhoneSimulationOptions options, VehicleScript script, VehicleTruth truth, List<(double, double)> handling, ref Xoshiro256 random)
    {
        var acts = new List<Act>();
        for (var k = 0; k < options.AggressivePerKind; k++)
        {
            acts.AddRange(options.StraightRoad
                ? [Act.HarshBraking, Act.HarshAcceleration]
                : [Act.HarshBraking, Act.HarshAcceleration, Act.HarshLeft, Act.HarshRight, Act.AggressiveLeftLane, Act.AggressiveRightLane]);
        }

        for (var k = 0; k < options.CalmPerKind; k++)
        {
            acts.AddRange(options.StraightRoad
                ? [Act.GentleStop, Act.FirmBraking]
                : [Act.GentleStop, Act.FirmBraking, Act.NormalLeft, Act.NormalRight, Act.GentleLeftLane, Act.GentleRightLane]);
        }

        for (var k = 0; k < options.Handlings; k++)
        {
            acts.Add(Act.Handling);
        }

        for (var i = acts.Count - 1; i > 0; i--)
        {
            var j = (int)(random.NextDouble() * (i + 1));
            (acts[i], acts[j]) = (acts[j], acts[i]);
        }

        truth.Start(12);
        script.Cruise(8, 12);
        foreach (var act in acts)
        {
            var (turnLateral, turnSpeed) = act is Act.HarshLeft or Act.HarshRight ? VehicleScript.DrawHarshTurn(ref random) : (0, 0);
            var entry = act switch
            {
                Act.HarshBraking or Act.FirmBraking => random.Uniform(15, 24),
                Act.HarshAcceleration => random.Uniform(2, 7),
                Act.GentleStop => random.Uniform(12, 17),
                Act.HarshLeft or Act.HarshRight => turnSpeed,
                Act.NormalLeft or Act.NormalRight => random.Uniform(4, 6.5),
                Act.AggressiveLeftLane or Act.AggressiveRightLane or Act.GentleLeftLane or Act.GentleRightLane => random.Uniform(20, 28),
                _ => random.Uniform(10, 25),
            };
            script.Cruise(Math.Max(random.Uniform(6, 10), script.TimeToReach(entry)), entry);
            switch (act)
            {
                case Act.HarshBraking: script.HarshBraking(); break;
                case Act.HarshAcceleration: script.HarshAcceleration(); break;
                case Act.HarshLeft: script.Turn(harsh: true, left: true, turnLateral); break;
                case Act.HarshRight: script.Turn(harsh: true, left: false, turnLateral); break;
                case Act.AggressiveLeftLane: script.LaneChange(aggressive: true, left: true); break;
                case Act.AggressiveRightLane: script.LaneChange(aggressive: true, left: false); break;
                case Act.GentleStop: script.GentleStop(); break;
                case Act.FirmBraking: script.FirmBraking(); break;
                case Act.NormalLeft: script.Turn(harsh: false, left: true); break;
                case Act.NormalRight: script.Turn(harsh: false, left: false); break;
                case Act.GentleLeftLane: script.LaneChange(aggressive: false, left: true); break;
                case Act.GentleRightLane: script.LaneChange(aggressive: false, left: false); break;
                default:
                    var start = truth.Seconds + random.Uniform(2, 4);
                    var length = random.Uniform(6, 15);
                    handling.Add((start, start + length));
                    script.Cruise(length + 6, truth.SpeedNow);
                    break;
            }
        }

        script.Cruise(8, truth.SpeedNow);
    }

    private static void Sample(PhoneSimulationOptions options, VehicleTruth truth, PhoneOrientation orientation, SensorModel sensors, ImuRecording recording, ref Xoshiro256 random)
    {
        var seconds = truth.Seconds;
        var heading = new float[truth.Count];
        double psi = random.Uniform(0, 2 * Math.PI);
        for (var i = 0; i < truth.Count; i++)
        {
            heading[i] = (float)psi;
            psi += truth.YawRate[i] * VehicleTruth.Step;
        }

        var gaps = new List<(double Start, double End)>();
        for (var t = 5.0; t < seconds; t += 1)
        {
            if (random.Chance(options.GapChancePerSecond))
            {
                gaps.Add((t, t + random.Uniform(0.2, 3)));
            }
        }

        if (options.Gps)
        {
            // 1 Hz fixes along the driven path from a point in Berlin; speed noise as a phone's Doppler speed.
            double north = 0, east = 0;
            var next = 1.0;
            for (var i = 0; i < truth.Count; i++)
            {
                east += truth.Speed[i] * Math.Cos(heading[i]) * VehicleTruth.Step;
                north += truth.Speed[i] * Math.Sin(heading[i]) * VehicleTruth.Step;
                if (i * VehicleTruth.Step >= next)
                {
                    next += 1;
                    var latitude = 52.5 + (north / 111_195.0);
                    var longitude = 13.4 + (east / (111_195.0 * Math.Cos(52.5 * Math.PI / 180)));
                    var speed = Math.Max(0, truth.Speed[i] + (0.2 * random.Normal()));
                    recording.Gps.Add(options.StartNs + (long)(i * VehicleTruth.Step * 1e9), latitude, longitude, (float)speed);
                }
            }
        }

        var period = 1 / options.RateHz;
        var earth = options.Frame == SensorFrame.Earth;

        // A tilted logged rotation: a fixed turn of the car-frame rates about a horizontal axis at a random bearing (drawn
        // only when asked for, so that trips without it stay the same for a seed).
        var tiltAxis = options.EarthGyroAxisTiltDeg > 0 ? random.Uniform(0, 2 * Math.PI) : 0;
        var gyroTilt = Quaternion.CreateFromAxisAngle(
            new Vector3((float)Math.Cos(tiltAxis), (float)Math.Sin(tiltAxis), 0), (float)(options.EarthGyroAxisTiltDeg * Math.PI / 180));
        for (var sensor = 0; sensor < 2; sensor++)
        {
            var gap = 0;
            for (var t = random.Uniform(0, period); t < seconds - 0.01; t += period * random.Uniform(0.9, 1.1))
            {
                while (gap < gaps.Count && gaps[gap].End < t)
                {
                    gap++;
                }

                if (gap < gaps.Count && t >= gaps[gap].Start)
                {
                    continue;
                }

                var i = Math.Min(truth.Count - 1, (int)(t / VehicleTruth.Step));
                var q = orientation.At(t);
                var timeNs = options.StartNs + (long)(t * 1e9);
                if (sensor == 0)
                {
                    var force = sensors.Force(t, truth.Longitudinal[i], truth.Lateral[i], truth.Vertical[i], truth.Speed[i], orientation.InHand(t), ref random);
                    var reading = earth
                        ? Vector3.Transform(force, Quaternion.CreateFromAxisAngle(Vector3.UnitZ, heading[i] + sensors.HeadingError(t)))
                        : Vector3.Transform(Body(force, truth.Longitudinal[i], truth.Lateral[i]), Quaternion.Conjugate(q));
                    reading += sensors.AccelerometerError(ref random);
                    recording.Accelerometer.Add(timeNs, reading.X, reading.Y, reading.Z);
                    if (earth)
                    {
                        recording.LinearAcceleration.Add(timeNs, reading.X, reading.Y, reading.Z - (float)G);
                    }
                }
                else
                {
                    var vehicleRate = new Vector3(0, truth.PitchRate[i], truth.YawRate[i]) + SensorModel.BodyRate(ref random);
                    var relative = orientation.RelativeRate(t);
                    var reading = earth
                        ? Vector3.Transform(Vector3.Transform(vehicleRate + Vector3.Transform(relative, q), gyroTilt), Quaternion.CreateFromAxisAngle(Vector3.UnitZ, heading[i] + sensors.HeadingError(t)))
                        : Vector3.Transform(vehicleRate, Quaternion.Conjugate(q)) + relative;
                    reading += sensors.GyroscopeError(ref random);
                    recording.Gyroscope.Add(timeNs, reading.X, reading.Y, reading.Z);
                }
            }
        }
    }

    /// <summary>
    /// The level specific force seen in the car body, which rolls out of turns and pitches nose-down under braking
    /// (so a body-fixed phone reads slightly more than the true acceleration); Earth-frame output is level already.
    /// </summary>
    private static Vector3 Body(Vector3 levelForce, float longitudinal, float lateral)
    {
        var tilt = Quaternion.CreateFromAxisAngle(Vector3.UnitX, (float)(RollPerMps2 * lateral)) * Quaternion.CreateFromAxisAngle(Vector3.UnitY, (float)(-PitchPerMps2 * longitudinal));
        return Vector3.Transform(levelForce, Quaternion.Conjugate(tilt));
    }

    /// <summary>The sensors' imperfections and the vehicle's vibration, drawn once per trip.</summary>
    private sealed class SensorModel
    {
        private readonly Vector3 _accBias;
        private readonly Vector3 _gyroBias;
        private readonly double _engineHz;
        private readonly double _headingDrift;
        private readonly double[] _jumpTimes;
        private readonly double[] _jumpSizes;

        // Band-limited horizontal vibration as sums of tones (x and y each): cruising and the rough patches' own.
        private readonly List<(double Hz, double Phase, double Amplitude, int Axis)> _tones = [];
        private readonly List<(double Start, double End)> _rough = [];

        public SensorModel(ref Xoshiro256 random)
        {
            _accBias = new Vector3((float)random.Uniform(-0.15, 0.15), (float)random.Uniform(-0.15, 0.15), (float)random.Uniform(-0.15, 0.15));
            _gyroBias = new Vector3((float)random.Uniform(-0.004, 0.004), (float)random.Uniform(-0.004, 0.004), (float)random.Uniform(-0.004, 0.004));
            _engineHz = random.Uniform(22, 45);
            _headingDrift = random.Uniform(2, 10) * Math.PI / 180;

            // A car's steel and currents disturb the magnetometer: the OS's north jumps by up to ±15° a few times a trip
            // and settles over ~5 s.
            _jumpTimes = new double[4];
            _jumpSizes = new double[4];
            for (var k = 0; k < _jumpTimes.Length; k++)
            {
                _jumpTimes[k] = random.Uniform(30, 1500);
                _jumpSizes[k] = random.Uniform(-15, 15) * Math.PI / 180;
            }
        }

        /// <summary>
        /// Draws the horizontal vibration the options ask for (nothing otherwise, so that a seed's trip stays the same):
        /// 8–16 Hz, the band of a car body's structural and wheel-hop modes (eight tones of random frequency and phase per
        /// axis give a noise-like band), and rough patches of 5–20 s at 3 m/s² per reading, white: a rough surface shakes
        /// the phone far above the logging rate, and a phone's sensor without an anti-alias filter folds that into every
        /// frequency up to half its rate, manoeuvres' included.
        /// </summary>
        public void AddVibration(PhoneSimulationOptions options, double seconds, ref Xoshiro256 random)
        {
            const int Tones = 8;
            if (options.HorizontalVibrationMps2 > 0)
            {
                var amplitude = options.HorizontalVibrationMps2 * Math.Sqrt(2.0 / Tones);
                for (var k = 0; k < 2 * Tones; k++)
                {
                    _tones.Add((random.Uniform(8, 16), random.Uniform(0, 2 * Math.PI), amplitude, k % 2));
                }
            }

            if (options.RoughPatches > 0)
            {
                for (var k = 0; k < options.RoughPatches; k++)
                {
                    var start = random.Uniform(10, Math.Max(11, seconds - 25));
                    _rough.Add((start, start + random.Uniform(5, 20)));
                }
            }
        }

        /// <summary>Level specific force: acceleration, gravity, engine and road vibration and a hand's motion.</summary>
        public Vector3 Force(double t, float longitudinal, float lateral, float vertical, float speed, bool inHand, ref Xoshiro256 random)
        {
            var road = Math.Min(1, speed / 8);
            var engine = (float)(0.35 * Math.Sin(2 * Math.PI * _engineHz * t));
            var force = new Vector3(
                (float)(longitudinal + (0.12 * road * random.Normal())) + (0.3f * engine),
                (float)(lateral + (0.12 * road * random.Normal())) + (0.2f * engine),
                (float)(G + vertical + (0.35 * road * random.Normal())) + engine);
            if (_tones.Count > 0 || _rough.Count > 0)
            {
                force += Vibration(t, road, ref random);
            }

            if (inHand)
            {
                // A hand is not a holder: its motion adds up to ~1 m/s² at 1–3 Hz.
                force += new Vector3((float)(0.8 * Math.Sin(2 * Math.PI * 1.7 * t)), (float)(0.6 * Math.Sin((2 * Math.PI * 2.3 * t) + 1)), (float)(0.7 * Math.Sin((2 * Math.PI * 1.1 * t) + 2)));
            }

            return force;
        }

        private Vector3 Vibration(double t, double road, ref Xoshiro256 random)
        {
            double x = 0, y = 0;
            foreach (var (hz, phase, amplitude, axis) in _tones)
            {
                var v = road * amplitude * Math.Sin((2 * Math.PI * hz * t) + phase);
                x += axis == 0 ? v : 0;
                y += axis == 1 ? v : 0;
            }

            foreach (var (start, end) in _rough)
            {
                if (t >= start && t < end)
                {
                    x += road * 3 * random.Normal();
                    y += road * 3 * random.Normal();
                    break;
                }
            }

            return new Vector3((float)x, (float)y, 0);
        }

        /// <summary>Small body pitch and roll rates of a car on a real road.</summary>
        public static Vector3 BodyRate(ref Xoshiro256 random) => new((float)(0.015 * random.Normal()), (float)(0.015 * random.Normal()), 0);

        public Vector3 AccelerometerError(ref Xoshiro256 random) =>
            _accBias + new Vector3((float)(0.08 * random.Normal()), (float)(0.08 * random.Normal()), (float)(0.08 * random.Normal()));

        public Vector3 GyroscopeError(ref Xoshiro256 random) =>
            _gyroBias + new Vector3((float)(0.01 * random.Normal()), (float)(0.01 * random.Normal()), (float)(0.01 * random.Normal()));

        /// <summary>The OS's wandering estimate of north (Earth frame only): a slow drift and a few magnetic jumps.</summary>
        public float HeadingError(double t)
        {
            var error = _headingDrift * Math.Sin(2 * Math.PI * t / 400);
            for (var k = 0; k < _jumpTimes.Length; k++)
            {
                if (t > _jumpTimes[k])
                {
                    error += _jumpSizes[k] * (1 - Math.Exp(-(t - _jumpTimes[k]) / 5));
                }
            }

            return (float)error;
        }
    }
}
