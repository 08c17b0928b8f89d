using Telematics.Scoring.Packaging;
using Telematics.Scoring.Results;
using Telematics.Training.Tests.Shipped;
using Xunit.Abstractions;

namespace Telematics.Training.Tests;

public sealed class TmpProbe(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        var scores = WindowStabilityTests.Scores(ModelPackageLoader.Load("/tmp/tr4/models/telematics-frequency/1"), [7, 30, 90]);
        var n = scores.GetLength(0);
        var means = new double[3];
        int s30 = 0, s7 = 0, far = 0;
        for (var i = 0; i < n; i++)
        {
            for (var w = 0; w < 3; w++) means[w] += scores[i, w] / n;
            var c90 = RiskCategories.FromScore(scores[i, 2]);
            s30 += RiskCategories.FromScore(scores[i, 1]) == c90 ? 1 : 0;
            s7 += RiskCategories.FromScore(scores[i, 0]) == c90 ? 1 : 0;
            far += Math.Abs((int)RiskCategories.FromScore(scores[i, 1]) - (int)c90) > 1 ? 1 : 0;
        }
        output.WriteLine($"means {means[0]:F1} {means[1]:F1} {means[2]:F1}; same30 {s30} same7 {s7} far {far} of {n}");
    }
}
