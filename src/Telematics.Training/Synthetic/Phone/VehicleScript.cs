using Telematics.Features.Imu.Manoeuvres;

namespace Telematics.Training.Synthetic.Phone;

/// <summary>
/// Drives the simulated vehicle through a shuffled list of manoeuvres separated by cruising, recording its motion and
/// the labels. Magnitudes are what a family car does, from physics and the literature rather than a detector's tuning:
/// aggressive ones in the band harsh-event programmes flag (0.3–0.6 g), calm ones in everyday driving (0.1–0.29 g), the
/// two bands adjacent so that a threshold has little room.
/// </summary>
internal sealed class VehicleScript
{
    private readonly VehicleTruth _truth;
    private readonly List<LabelledManoeuvre> _labels;
    private readonly long _startNs;
    private Xoshiro256 _random;
    private readonly bool _straight;
    private double _bendPhase;

    public VehicleScript(VehicleTruth truth, List<LabelledManoeuvre> labels, long startNs, Xoshiro256 random, bool straight)
    {
        _straight = straight;
        _truth = truth;
        _labels = labels;
        _startNs = startNs;
        _random = random;
        _bendPhase = _random.Uniform(0, 2 * Math.PI);
    }

    /// <summary>Cruises, easing the speed towards <paramref name="targetSpeed"/> at most 1 m/s², with gentle bends.</summary>
    public void Cruise(double seconds, double targetSpeed)
    {
        var steps = (int)(seconds / VehicleTruth.Step);
        var sway = _random.Uniform(0.1, 0.3);
        var bendAmplitude = _straight ? 0 : _random.Uniform(0.3, 1.0);

        // A speed bump or pothole now and then: a 4 m/s² jolt and a ±10° pitch swing in 0.6 s, which neither a
        // manoeuvre nor phone handling may be made of.
        var bump = _random.Chance(0.3) ? (int)(_random.Uniform(0.2, 0.8) * steps) : -1;
        for (var i = 0; i < steps; i++)
        {
            var t = _truth.Seconds;
            var a = Math.Clamp(0.4 * (targetSpeed - _truth.SpeedNow), -1.0, 1.0) + (sway * Math.Sin(2 * Math.PI * t / 7.0));

            // Gentle bends of the road: lateral acceleration under 1 m/s², so the yaw rate changes sign now and then.
            var speed = Math.Max(_truth.SpeedNow, 1);
            var yaw = bendAmplitude * Math.Sin((2 * Math.PI * t / 23.0) + _bendPhase) / speed;
            var sinceBump = (i - bump) * VehicleTruth.Step;
            var (vertical, pitch) = bump >= 0 && sinceBump is >= 0 and < 0.6
                ? (4 * Math.Sin(2 * Math.PI * sinceBump / 0.3), 0.5 * Math.Sin(2 * Math.PI * sinceBump / 0.6))
                : (0, 0);
            _truth.Add(a, _truth.SpeedNow < 0.5 ? 0 : yaw, vertical, pitch);
        }
    }

    /// <summary>Firm braking that is not harsh: 2.3–2.8 m/s² (up to 0.29 g) for 1–2 s, a calm manoeuvre close to the threshold.</summary>
    public void FirmBraking() => Longitudinal(-_random.Uniform(2.3, 2.8), 0.5, _random.Uniform(1, 2), null, "firm braking");

    /// <summary>Time to reach <paramref name="speed"/> from the current speed while cruising, plus settling.</summary>
    public double TimeToReach(double speed) => (Math.Abs(speed - _truth.SpeedNow) / 0.8) + 4;

    /// <summary>Harsh braking at 3.5–6 m/s² (0.36–0.6 g): beyond any calm stop, short of an emergency stop's ABS limit (8–9 m/s²).</summary>
    public void HarshBraking()
    {
        var peak = _random.Uniform(3.5, 6.0);
        var hold = Math.Min(_random.Uniform(0.8, 1.8), Math.Max(0.6, ((_truth.SpeedNow - 3) / peak) - 0.5));
        Longitudinal(-peak, 0.5, hold, ManoeuvreKind.HarshBraking, "harsh braking");
    }

    /// <summary>
    /// Rapid acceleration at 2.9–4 m/s² (0.3–0.4 g): an ordinary family car at full throttle in first or second gear
    /// reaches 0.25–0.4 g (0–100 km/h in 10 s averages 2.8 m/s²); calm pulling away is 1–2 m/s².
    /// </summary>
    public void HarshAcceleration()
    {
        var peak = _random.Uniform(2.9, 4.0);
        Longitudinal(peak, 0.5, _random.Uniform(0.8, 1.6), ManoeuvreKind.HarshAcceleration, "harsh acceleration");
    }

    /// <summary>Brakes gently to a stop (1.5–2.2 m/s²), waits and pulls away gently (1–2 m/s²).</summary>
    public void GentleStop()
    {
        var start = _truth.Seconds;
        var decel = _random.Uniform(1.5, 2.2);
        while (_truth.SpeedNow > 0.05)
        {
            var ramp = Math.Min(1, (_truth.Seconds - start) / 1.0);
            var a = -Math.Min(decel * ramp, Math.Max(0.3, _truth.SpeedNow * 0.8));
            _truth.Add(a, 0);
        }

        for (var i = 0; i < (int)(_random.Uniform(2, 5) / VehicleTruth.Step); i++)
        {
            _truth.Add(0, 0);
        }

        var accel = _random.Uniform(1.0, 2.0);
        var go = _truth.Seconds;
        while (_truth.SpeedNow < 10)
        {
            _truth.Add(accel * Math.Min(1, (_truth.Seconds - go) / 1.0), 0);
        }

        Label(null, "gentle stop", start, _truth.Seconds, (float)Math.Max(decel, accel));
    }

    /// <summary>
    /// A harsh turn's lateral acceleration and entry speed: 3.5–5.5 m/s² (0.36–0.56 g) at a yaw rate of 0.5–0.9 rad/s, a
    /// junction taken at 4–11 m/s; the speed is lateral / yaw rate.
    /// </summary>
    public static (double Lateral, double Speed) DrawHarshTurn(ref Xoshiro256 random)
    {
        var lateral = random.Uniform(3.5, 5.5);
        return (lateral, lateral / random.Uniform(0.5, 0.9));
    }

    /// <summary>A turn at constant speed; harsh ones at <paramref name="harshLateral"/> (<see cref="DrawHarshTurn"/>), normal ones at 1.2–2.4 m/s².</summary>
    public void Turn(bool harsh, bool left, double harshLateral = 4.5)
    {
        var lateral = harsh ? harshLateral : _random.Uniform(1.2, 2.4);
        var speed = Math.Max(_truth.SpeedNow, 2);
        var rate = lateral / speed;
        var angle = _random.Uniform(70, 110) * Math.PI / 180;
        const double Ramp = 0.6;
        var hold = Math.Max(0.2, (angle / rate) - Ramp);
        var sign = left ? 1 : -1;
        var start = _truth.Seconds;
        var total = hold + (2 * Ramp);
        for (var t = 0.0; t < total; t += VehicleTruth.Step)
        {
            var shape = t < Ramp ? Smooth(t / Ramp) : t > Ramp + hold ? Smooth((total - t) / Ramp) : 1;
            _truth.Add(0, sign * rate * shape);
        }

        var kind = !harsh ? (ManoeuvreKind?)null : left ? ManoeuvreKind.HarshLeftTurn : ManoeuvreKind.HarshRightTurn;
        Label(kind, harsh ? (left ? "harsh left turn" : "harsh right turn") : (left ? "normal left turn" : "normal right turn"), start, _truth.Seconds, (float)lateral);
    }

    /// <summary>
    /// A 3.5 m lane change as a sinusoidal swing of period T: peak lateral acceleration 2π·3.5/T². Aggressive: T of
    /// 1.8–2.5 s (3.5–6.8 m/s²); gentle: 4.5–6.5 s (0.5–1.1 m/s²).
    /// </summary>
    public void LaneChange(bool aggressive, bool left)
    {
        var period = aggressive ? _random.Uniform(1.8, 2.5) : _random.Uniform(4.5, 6.5);
        var width = _random.Uniform(3.2, 3.8);
        var amplitude = 2 * Math.PI * width / (period * period);
        var sign = left ? 1 : -1;
        var start = _truth.Seconds;
        var speed = Math.Max(_truth.SpeedNow, 5);
        for (var t = 0.0; t < period; t += VehicleTruth.Step)
        {
            _truth.Add(0, sign * amplitude * Math.Sin(2 * Math.PI * t / period) / speed);
        }

        var kind = !aggressive ? (ManoeuvreKind?)null : left ? ManoeuvreKind.AggressiveLeftLaneChange : ManoeuvreKind.AggressiveRightLaneChange;
        Label(kind, aggressive ? (left ? "aggressive left lane change" : "aggressive right lane change") : (left ? "gentle left lane change" : "gentle right lane change"), start, _truth.Seconds, (float)amplitude);
    }

    private void Longitudinal(double peak, double ramp, double hold, ManoeuvreKind? kind, string name)
    {
        var start = _truth.Seconds;
        var total = hold + (2 * ramp);
        for (var t = 0.0; t < total; t += VehicleTruth.Step)
        {
            var shape = t < ramp ? Smooth(t / ramp) : t > ramp + hold ? Smooth((total - t) / ramp) : 1;
            _truth.Add(peak * shape, 0);
        }

        Label(kind, name, start, _truth.Seconds, (float)Math.Abs(peak));
    }

    private void Label(ManoeuvreKind? kind, string name, double start, double end, float peak) =>
        _labels.Add(new LabelledManoeuvre(kind, name, _startNs + (long)(start * 1e9), _startNs + (long)(end * 1e9), peak));

    // Raised-cosine ramp from 0 to 1: drivers do not step the pedals.
    private static double Smooth(double x) => 0.5 - (0.5 * Math.Cos(Math.PI * Math.Clamp(x, 0, 1)));
}
