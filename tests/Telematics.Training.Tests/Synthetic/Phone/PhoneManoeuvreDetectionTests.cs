using System.Globalization;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Imu.Motion;
using Telematics.Training.Synthetic.Phone;
using Xunit.Abstractions;

namespace Telematics.Training.Tests.Synthetic.Phone;

/// <summary>
/// The phone chain against the simulator's ground truth: event-level precision and recall per manoeuvre kind, for each
/// mounting, in the device and the Earth frame, with handling, a mid-trip move, gaps and calm manoeuvres that must not be
/// flagged. The simulator draws aggressive manoeuvres from physics (beyond the literature thresholds), not from the
/// detector's tuning.
/// </summary>
public sealed class PhoneManoeuvreDetectionTests(ITestOutputHelper output)
{
    private const double Target = 0.9;
    private const int SeedsPerCase = 3;

    public static TheoryData<PhoneMounting> Mountings => new() { PhoneMounting.Dashboard, PhoneMounting.CupHolder, PhoneMounting.Pocket };

    [Theory]
    [MemberData(nameof(Mountings))]
    public void Precision_and_recall_per_kind_reach_the_target_in_any_mounting(PhoneMounting mounting)
    {
        var score = new DetectionScore();
        var byFrame = new[] { new DetectionScore(), new DetectionScore() };
        var analyzer = new PhoneTripAnalyzer();
        var detections = new List<Manoeuvre>();
        var handling = new List<PhoneHandling>();
        var trips = 0;
        foreach (var frame in new[] { SensorFrame.Device, SensorFrame.Earth })
        {
            for (var seed = 0; seed < SeedsPerCase; seed++)
            {
                var options = new PhoneSimulationOptions
                {
                    Mounting = mounting,
                    Frame = frame,
                    RateHz = seed == 1 ? 25 : seed == 2 ? 100 : 50,
                    MoveMidTrip = seed == 0,
                };
                var trip = PhoneSensorSimulator.Simulate(options, (ulong)((int)mounting * 100) + (ulong)seed + (frame == SensorFrame.Earth ? 50UL : 0UL));
                analyzer.Analyze(trip.Recording, detections, handling);
                score.Add(trip.Manoeuvres, detections);
                byFrame[(int)frame].Add(trip.Manoeuvres, detections);
                trips++;
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{mounting}: {trips} trips (device and Earth frame, 25/50/100 Hz, one moved mid-trip per frame)"));
        output.WriteLine("kind                        labelled detected precision recall | device P/R | earth P/R");
        var failures = new List<string>();
        foreach (var kind in Enum.GetValues<ManoeuvreKind>())
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind,-27} {score.Labelled(kind),8} {score.Detected(kind),8} {score.Precision(kind),9:F2} {score.Recall(kind),6:F2} | {byFrame[0].Precision(kind):F2} {byFrame[0].Recall(kind):F2}  | {byFrame[1].Precision(kind):F2} {byFrame[1].Recall(kind):F2}"));
            if (score.Precision(kind) < Target || score.Recall(kind) < Target)
            {
                failures.Add($"{kind}: precision {score.Precision(kind):F2}, recall {score.Recall(kind):F2}");
            }
        }

        Assert.True(score.Labelled(ManoeuvreKind.HarshBraking) > 0);
        Assert.Empty(failures);
    }
}
