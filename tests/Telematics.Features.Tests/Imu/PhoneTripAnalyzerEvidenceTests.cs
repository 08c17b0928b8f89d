using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Imu.Motion;

namespace Telematics.Features.Tests.Imu;

/// <summary><see cref="PhoneTripAnalyzer.AnalyzeInto"/> against the analyzer's own output: every manoeuvre, handling span and covered span arrives.</summary>
public sealed class PhoneTripAnalyzerEvidenceTests
{
    private const long Epoch = 1_700_000_000_000_000_000;

    [Fact]
    public void AnalyzeInto_adds_exactly_what_Analyze_finds()
    {
        var (recording, analyzer, manoeuvres, handling) = AnalyzeDrive();
        var expected = new ImuTripEvidence();
        expected.Add(analyzer.Motion, manoeuvres, handling, unixOffsetNs: 0);

        // The drive must give something of each, or the comparison below proves nothing.
        Assert.Contains(manoeuvres, m => m.Kind == ManoeuvreKind.HarshBraking);
        Assert.NotEmpty(handling);
        Assert.NotEqual(0, expected.CoverageCount);

        var evidence = new ImuTripEvidence();
        new PhoneTripAnalyzer().AnalyzeInto(recording, evidence, unixOffsetNs: 0);

        AssertSame(expected, evidence);
        Assert.Equal(manoeuvres.Count, evidence.ManoeuvreCount);
        Assert.Equal(manoeuvres.Select(m => m.StartNs / 1_000_000), evidence.ManoeuvreStartUnixMs.ToArray());
    }

    [Fact]
    public void AnalyzeInto_reused_adds_a_later_recording_after_the_first_with_its_offset()
    {
        var (recording, analyzer, manoeuvres, handling) = AnalyzeDrive();
        const long Later = 3_600_000_000_000; // an hour on
        var expected = new ImuTripEvidence();
        expected.Add(analyzer.Motion, manoeuvres, handling, unixOffsetNs: 0);
        expected.Add(analyzer.Motion, manoeuvres, handling, unixOffsetNs: Later);

        var evidence = new ImuTripEvidence();
        analyzer.AnalyzeInto(recording, evidence, unixOffsetNs: 0);
        analyzer.AnalyzeInto(recording, evidence, unixOffsetNs: Later);

        AssertSame(expected, evidence);
        Assert.Equal(2 * manoeuvres.Count, evidence.ManoeuvreCount);
        Assert.Throws<ArgumentException>(() => analyzer.AnalyzeInto(recording, evidence, unixOffsetNs: 0));
        Assert.Equal(2 * manoeuvres.Count, evidence.ManoeuvreCount);
    }

    // The drive as Analyze finds it, by the analyzer that is left holding its motion.
    private static (ImuRecording Recording, PhoneTripAnalyzer Analyzer, List<Manoeuvre> Manoeuvres, List<PhoneHandling> Handling) AnalyzeDrive()
    {
        var recording = Drive();
        var analyzer = new PhoneTripAnalyzer();
        var manoeuvres = new List<Manoeuvre>();
        var handling = new List<PhoneHandling>();
        analyzer.Analyze(recording, manoeuvres, handling);
        return (recording, analyzer, manoeuvres, handling);
    }

    private static void AssertSame(ImuTripEvidence expected, ImuTripEvidence actual)
    {
        Assert.Equal(expected.CoverageStartUnixMs.ToArray(), actual.CoverageStartUnixMs.ToArray());
        Assert.Equal(expected.CoverageEndUnixMs.ToArray(), actual.CoverageEndUnixMs.ToArray());
        Assert.Equal(expected.ManoeuvreKinds.ToArray(), actual.ManoeuvreKinds.ToArray());
        Assert.Equal(expected.ManoeuvreStartUnixMs.ToArray(), actual.ManoeuvreStartUnixMs.ToArray());
        Assert.Equal(expected.ManoeuvreEndUnixMs.ToArray(), actual.ManoeuvreEndUnixMs.ToArray());
        Assert.Equal(expected.ManoeuvrePeakUnixMs.ToArray(), actual.ManoeuvrePeakUnixMs.ToArray());
        Assert.Equal(expected.ManoeuvrePeakMps2.ToArray(), actual.ManoeuvrePeakMps2.ToArray());
        Assert.Equal(expected.ManoeuvreSeverity.ToArray(), actual.ManoeuvreSeverity.ToArray());
        Assert.Equal(expected.HandlingStartUnixMs.ToArray(), actual.HandlingStartUnixMs.ToArray());
        Assert.Equal(expected.HandlingEndUnixMs.ToArray(), actual.HandlingEndUnixMs.ToArray());
        Assert.Equal(expected.HandlingPeakRotationRadS.ToArray(), actual.HandlingPeakRotationRadS.ToArray());
        Assert.Equal(expected.HandlingRemounted.ToArray(), actual.HandlingRemounted.ToArray());
    }

    // One minute in the Earth frame at 100 Hz: pull away, a left turn, a harsh stop, pull away, the phone picked up and
    // turned over, a right turn and a stop. Vehicle-frame acceleration is turned into Earth axes by the heading.
    private static ImuRecording Drive()
    {
        var recording = new ImuRecording { Frame = SensorFrame.Earth, IsEpochTime = true };
        const double Dt = 0.01;
        double speed = 0, heading = 0;
        for (var i = 0; i < 6_000; i++)
        {
            var t = i * Dt;
            var (along, yaw, phoneRoll) = t switch
            {
                < 5 => (0.0, 0.0, 0.0),
                < 10 => (2.5, 0.0, 0.0),
                < 15 => (0.0, 0.0, 0.0),
                < 20 => (0.0, 0.35, 0.0),
                < 25 => (0.0, 0.0, 0.0),
                < 27.5 => (-4.5, 0.0, 0.0),
                < 31.5 => (2.0, 0.0, 0.0),
                < 35 => (0.0, 0.0, 0.0),
                < 37 => (0.0, 0.0, 1.5),
                < 45 => (0.0, 0.0, 0.0),
                < 50 => (0.0, -0.3, 0.0),
                < 52 => (-3.0, 0.0, 0.0),
                _ => (0.0, 0.0, 0.0),
            };
            var lateral = speed * yaw;
            var (sin, cos) = Math.SinCos(heading);
            var timeNs = Epoch + (i * 10_000_000L);
            recording.LinearAcceleration.Add(timeNs, (float)((cos * along) - (sin * lateral)), (float)((sin * along) + (cos * lateral)), 0f);
            recording.Gyroscope.Add(timeNs, (float)phoneRoll, 0f, (float)yaw);
            speed = Math.Max(0, speed + (along * Dt));
            heading += yaw * Dt;
        }

        return recording;
    }
}
