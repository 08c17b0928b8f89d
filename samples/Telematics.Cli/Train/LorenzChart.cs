using Telematics.Training.Evaluation;

namespace Telematics.Cli.Train;

/// <summary>Draws the exposure-weighted Lorenz curves of each model and the oracle into a PNG with ScottPlot.</summary>
internal static class LorenzChart
{
    /// <summary>Writes the chart; returns null on success or why it could not be drawn (for example missing native graphics libraries).</summary>
    public static string? TryWrite(string path, IReadOnlyList<(string Model, IReadOnlyList<(double Exposure, double Claims)> Curve)> curves)
    {
        return ChartPng.TryWrite(path, 900, 650, plot =>
        {
            foreach (var (model, curve) in curves)
            {
                var xs = new double[curve.Count];
                var ys = new double[curve.Count];
                for (var i = 0; i < curve.Count; i++)
                {
                    xs[i] = curve[i].Exposure;
                    ys[i] = curve[i].Claims;
                }

                var line = plot.Add.ScatterLine(xs, ys);
                line.LegendText = model;
                line.LineWidth = 2;
            }

            var diagonal = plot.Add.Line(0, 0, 1, 1);
            diagonal.LegendText = "random";
            diagonal.LinePattern = ScottPlot.LinePattern.Dashed;
            plot.Title("Lorenz curves, out of fold (drivers in ascending order of predicted frequency)");
            plot.XLabel("cumulative share of exposure");
            plot.YLabel("cumulative share of claims");
            plot.Axes.SetLimits(0, 1, 0, 1);
            plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        });
    }

    /// <summary>The Lorenz curve of each out-of-fold prediction.</summary>
    public static List<(string, IReadOnlyList<(double, double)>)> Curves(IEnumerable<(string Model, double[] Frequency)> predictions, ReadOnlySpan<double> exposure, ReadOnlySpan<int> claims)
    {
        var curves = new List<(string, IReadOnlyList<(double, double)>)>();
        foreach (var (model, frequency) in predictions)
        {
            curves.Add((model, FrequencyMetrics.LorenzCurve(frequency, exposure, claims)));
        }

        return curves;
    }
}
