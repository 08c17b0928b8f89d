using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Imu.Motion;
using Telematics.Features.Samples;

namespace Telematics.Benchmarks.Features;

/// <summary>Phone evidence laid over a synthetic trip, for the feature benchmark with IMU: the density of a harsh driver.</summary>
internal static class SyntheticPhoneEvidence
{
    private const long NsPerMs = 1_000_000;

    /// <summary>Coverage of the trip's middle half in 0.1 s bins, a manoeuvre every 45 s in it, 10 s of handling every 5 min.</summary>
    public static ImuTripEvidence Create(SampleBuffer trip, int seed)
    {
        var random = new Random(seed);
        var t = trip.TimestampUnixMs;
        var fromMs = t[t.Length / 4];
        var toMs = t[(3 * t.Length) / 4];
        var motion = new VehicleMotion();
        motion.Reset(fromMs * NsPerMs, 100 * NsPerMs, (int)((toMs - fromMs) / 100));
        motion.FlagsMutable.Fill(MotionFlags.Valid);
        var manoeuvres = new List<Manoeuvre>();
        for (var at = fromMs + 20_000; at < toMs - 5_000; at += 45_000)
        {
            var kind = (ManoeuvreKind)random.Next(6);
            var peak = (float)(3.0 + (random.NextDouble() * 3.0));
            manoeuvres.Add(new Manoeuvre(kind, at * NsPerMs, (at + 1_500) * NsPerMs, (at + 700) * NsPerMs, peak, peak / 3.4f));
        }

        var handling = new List<PhoneHandling>();
        for (var at = fromMs + 60_000; at < toMs - 10_000; at += 300_000)
        {
            handling.Add(new PhoneHandling(at * NsPerMs, (at + 10_000) * NsPerMs, 2.5f, false, true));
            var bin = (int)((at - fromMs) / 100);
            motion.FlagsMutable.Slice(bin, 100).Fill(MotionFlags.Valid | MotionFlags.Handling);
        }

        var evidence = new ImuTripEvidence();
        evidence.Add(motion, manoeuvres, handling, 0);
        return evidence;
    }
}
