using FsCheck;
using FsCheck.Xunit;
using Telematics.Scoring.Calibration;

namespace Telematics.Scoring.Tests.Calibration;

public sealed class ScoreCalibrationTests
{
    [Fact]
    public void Piecewise_linear_interpolates_between_knots_and_is_flat_beyond_them()
    {
        var calibration = ScoreCalibration.PiecewiseLinear([new(0.1, 10), new(0.2, 50), new(0.6, 90)]);

        Assert.Equal(10, calibration.ToScore(0.0), 9);
        Assert.Equal(30, calibration.ToScore(0.15), 9);
        Assert.Equal(70, calibration.ToScore(0.4), 9);
        Assert.Equal(90, calibration.ToScore(5.0), 9);
    }

    [Fact]
    public void Logistic_maps_zero_log_odds_to_fifty()
    {
        Assert.Equal(50, ScoreCalibration.Logistic(2, 0).ToScore(0), 9);
        Assert.Equal(100 / (1 + Math.Exp(-2.0)), ScoreCalibration.Logistic(2, 0).ToScore(1), 9);
    }

    [Fact]
    public void Linear_clamps_to_the_score_range()
    {
        Assert.Equal(100, ScoreCalibration.Probability.ToScore(1.7), 9);
        Assert.Equal(0, ScoreCalibration.Probability.ToScore(-0.2), 9);
        Assert.Equal(42, ScoreCalibration.Probability.ToScore(0.42), 9);
    }

    [Fact]
    public void Knots_that_go_down_are_refused_naming_the_knot()
    {
        var error = Assert.Throws<ArgumentException>(() => ScoreCalibration.PiecewiseLinear([new(0, 10), new(1, 5)]));

        Assert.Contains("knot 1", error.Message, StringComparison.Ordinal);
    }

    [Property]
    public bool Every_calibration_is_non_decreasing_and_within_range(NormalFloat a, NormalFloat b)
    {
        var (lo, hi) = ((double)a <= (double)b) ? ((double)a, (double)b) : ((double)b, (double)a);
        ScoreCalibration[] calibrations =
        [
            ScoreCalibration.Probability,
            ScoreCalibration.Logistic(0.7, -1),
            ScoreCalibration.PiecewiseLinear([new(-3, 0), new(0, 20), new(2, 100)]),
        ];
        foreach (var calibration in calibrations)
        {
            var sLo = calibration.ToScore(lo);
            var sHi = calibration.ToScore(hi);
            if (sLo > sHi || sLo < 0 || sHi > 100)
            {
                return false;
            }
        }

        return true;
    }
}
