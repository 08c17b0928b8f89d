using System.Globalization;
using System.Numerics;

namespace Telematics.Training.Synthetic.Phone;

/// <summary>
/// The phone's orientation in the vehicle over time (phone axes → vehicle axes, x forward, y left, z up): resting in its
/// mounting (a pocket wobbles with the leg), picked up into a hand that jitters, and put back — into the same mounting or,
/// when moved, a new one.
/// </summary>
internal sealed class PhoneOrientation
{
    private const double Transfer = 0.8;
    private readonly List<(double Start, double End, Quaternion Hand, Quaternion After)> _handlings = [];
    private readonly Quaternion _initial;
    private readonly bool _wobbles;
    private readonly double _wobblePhase;

    public PhoneOrientation(Quaternion initial, bool wobbles, double wobblePhase)
    {
        _initial = initial;
        _wobbles = wobbles;
        _wobblePhase = wobblePhase;
    }

    /// <summary>Adds a handling from <paramref name="start"/> to <paramref name="end"/> (seconds) ending in <paramref name="after"/>.</summary>
    public void AddHandling(double start, double end, Quaternion hand, Quaternion after) => _handlings.Add((start, end, hand, after));

    /// <summary>Whether the phone is in a hand (or in transfer) at <paramref name="t"/>, with the hand's extra acceleration scale.</summary>
    public bool InHand(double t)
    {
        foreach (var h in _handlings)
        {
            if (t >= h.Start && t <= h.End)
            {
                return true;
            }
        }

        return false;
    }

    public Quaternion At(double t)
    {
        var mount = _initial;
        foreach (var h in _handlings)
        {
            if (t < h.Start)
            {
                break;
            }

            if (t <= h.End)
            {
                var pick = (float)Math.Clamp((t - h.Start) / Transfer, 0, 1);
                var put = (float)Math.Clamp((h.End - t) / Transfer, 0, 1);

                // Slerp between fixed ends only (a jittering end could flip Slerp's shortest arc mid-way), with the hand's
                // jitter growing in as the phone comes into the hand.
                var weight = Math.Min(pick, put);
                var jitter = Quaternion.CreateFromAxisAngle(Vector3.Normalize(new Vector3(1, 0.6f, 0.3f)), (float)(weight * 0.12 * Math.Sin(2 * Math.PI * 1.4 * t)))
                    * Quaternion.CreateFromAxisAngle(Vector3.UnitZ, (float)(weight * 0.1 * Math.Sin((2 * Math.PI * 0.9 * t) + 1)));
                var path = pick < 1 ? Quaternion.Slerp(mount, h.Hand, pick) : put < 1 ? Quaternion.Slerp(h.After, h.Hand, put) : h.Hand;
                return path * Wobble(t, 1 - weight) * jitter;
            }

            mount = h.After;
        }

        return mount * Wobble(t, 1);
    }

    // A leg shifting under a pocketed phone: ±2° at 0.2 Hz, well below any handling; faded out in the hand.
    private Quaternion Wobble(double t, double scale) =>
        _wobbles ? Quaternion.CreateFromAxisAngle(Vector3.UnitX, (float)(scale * 0.035 * Math.Sin((2 * Math.PI * 0.2 * t) + _wobblePhase))) : Quaternion.Identity;

    /// <summary>The phone's angular velocity relative to the vehicle in its own axes, by differencing the orientation.</summary>
    public Vector3 RelativeRate(double t)
    {
        const double H = 0.005;
        var q0 = At(t);
        var q1 = At(t + H);
        var delta = Quaternion.Conjugate(q0) * q1;
        if (delta.W < 0)
        {
            delta = -delta;
        }

        return new Vector3(delta.X, delta.Y, delta.Z) * (float)(2 / H);
    }

    /// <summary>A random orientation of the kind of mounting: Rz(yaw)·Rx(tilt)·Rz(spin) of a phone lying flat, screen up.</summary>
    public static Quaternion Draw(PhoneMounting mounting, ref Xoshiro256 random, out string description)
    {
        var yaw = random.Uniform(0, 360);
        double tilt, spin;
        switch (mounting)
        {
            case PhoneMounting.Dashboard:
                tilt = random.Uniform(60, 88);
                spin = (random.Chance(0.3) ? 90 : 0) + random.Uniform(-10, 10);
                break;
            case PhoneMounting.CupHolder:
                tilt = random.Uniform(30, 70);
                spin = random.Uniform(0, 360);
                break;
            default:
                tilt = random.Uniform(0, 25);
                tilt = random.Chance(0.5) ? 180 - tilt : tilt;
                spin = random.Uniform(0, 360);
                break;
        }

        description = string.Create(CultureInfo.InvariantCulture, $"{mounting.ToString().ToLowerInvariant()}: tilt {tilt:F0}°, spin {spin:F0}°, yaw {yaw:F0}°");
        return Quaternion.CreateFromAxisAngle(Vector3.UnitZ, Rad(yaw)) * Quaternion.CreateFromAxisAngle(Vector3.UnitX, Rad(tilt)) * Quaternion.CreateFromAxisAngle(Vector3.UnitZ, Rad(spin));
    }

    /// <summary>A phone held up in front of the driver, screen towards them.</summary>
    public static Quaternion DrawHand(ref Xoshiro256 random) =>
        Quaternion.CreateFromAxisAngle(Vector3.UnitZ, Rad(random.Uniform(150, 210))) * Quaternion.CreateFromAxisAngle(Vector3.UnitX, Rad(random.Uniform(30, 60)));

    private static float Rad(double degrees) => (float)(degrees * Math.PI / 180);
}
