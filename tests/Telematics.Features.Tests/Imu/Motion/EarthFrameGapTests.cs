using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Imu.Motion;

namespace Telematics.Features.Tests.Imu.Motion;

/// <summary>In the Earth frame the vehicle's axes are carried by the integrated yaw rate: a gap must not lose a turn.</summary>
public sealed class EarthFrameGapTests
{
    [Fact]
    public void A_gap_in_the_middle_of_a_turn_keeps_the_axes_and_a_later_braking()
    {
        var scenario = new EarthFrameScenario();
        scenario.Add(10, 0, 0);
        scenario.Add(2, 2, 0);
        scenario.Add(5, 0, 0);
        scenario.Add(2, -2, 0);
        scenario.Add(5, 0, 0);

        // A 90° left turn over 6 s (2.6 m/s² at 10 m/s, not harsh); the 3 s gap in its middle hides 45° of it.
        var turn = scenario.Add(6, 0, Math.PI / 2 / 6);
        scenario.Gap(turn + 1.5, turn + 4.5);
        scenario.Add(8, 0, 0);
        var braking = scenario.Add(1.5, -3.8, 0);
        scenario.Add(5, 0, 0);
        scenario.Add(2, 2, 0);
        scenario.Add(8, 0, 0);
        scenario.Add(6, 0, -Math.PI / 2 / 6);
        scenario.Add(10, 0, 0);

        var analyzer = new PhoneTripAnalyzer();
        var manoeuvres = new List<Manoeuvre>();
        analyzer.Analyze(scenario.Record(), manoeuvres);

        var errorDeg = AxisErrorDeg(analyzer.Motion, braking);
        Assert.True(errorDeg < 10, $"the longitudinal axis is off by {errorDeg:F1}° after the gap");
        Assert.Contains(manoeuvres, m => m.Kind == ManoeuvreKind.HarshBraking
            && m.StartNs < EarthFrameScenario.Ns(braking + 1.5) && m.EndNs > EarthFrameScenario.Ns(braking));
    }

    [Fact]
    public void After_a_long_gap_that_hid_a_turn_the_axes_are_found_afresh()
    {
        var scenario = new EarthFrameScenario();
        scenario.Add(10, 0, 0);
        scenario.Add(2, 2, 0);
        scenario.Add(5, 0, 0);
        scenario.Add(6, 0, Math.PI / 2 / 6);
        scenario.Add(5, 0, 0);

        // 15 s unrecorded, with a 90° turn whose ends (straight driving) say nothing of it.
        var gap = scenario.Add(4.5, 0, 0);
        scenario.Add(6, 0, Math.PI / 2 / 6);
        scenario.Add(4.5, 0, 0);
        scenario.Gap(gap, scenario.Seconds);
        scenario.Add(5, 0, 0);
        scenario.Add(2, 2, 0);
        scenario.Add(3, 0, 0);
        scenario.Add(6, 0, Math.PI / 2 / 6);
        scenario.Add(3, 0, 0);
        var braking = scenario.Add(1.5, -3.8, 0);
        scenario.Add(5, 0, 0);
        scenario.Add(6, 0, -Math.PI / 2 / 6);
        scenario.Add(10, 0, 0);

        var analyzer = new PhoneTripAnalyzer();
        var manoeuvres = new List<Manoeuvre>();
        analyzer.Analyze(scenario.Record(), manoeuvres);

        Assert.True(AxisErrorDeg(analyzer.Motion, braking) < 10, $"the longitudinal axis is off by {AxisErrorDeg(analyzer.Motion, braking):F1}° after the gap");
        Assert.Contains(manoeuvres, m => m.Kind == ManoeuvreKind.HarshBraking
            && m.StartNs < EarthFrameScenario.Ns(braking + 1.5) && m.EndNs > EarthFrameScenario.Ns(braking));
    }

    /// <summary>How far the measured acceleration of a 1.5 s straight braking is from straight backwards, degrees.</summary>
    private static double AxisErrorDeg(VehicleMotion motion, double braking)
    {
        double lon = 0, lat = 0;
        for (var i = 0; i < motion.Count; i++)
        {
            var t = motion.TimeNs(i);
            if (t >= EarthFrameScenario.Ns(braking + 0.2) && t < EarthFrameScenario.Ns(braking + 1.3) && motion.Flags[i] == MotionFlags.Valid)
            {
                lon += motion.LongitudinalMps2[i];
                lat += motion.LateralMps2[i];
            }
        }

        return Math.Abs(Math.Atan2(lat, -lon)) * 180 / Math.PI;
    }
}
