using Telematics.Training.Evaluation;

namespace Telematics.Cli.Train;

/// <summary>Draws the empirical credibility of each window and the fitted Z = n / (n + K), with ScottPlot.</summary>
internal static class CredibilityChart
{
    /// <summary>Writes the chart; returns null on success or why it could not be drawn.</summary>
    public static string? TryWrite(string path, WindowStability stability)
    {
        return ChartPng.TryWrite(path, 900, 600, plot =>
        {
            var days = stability.Windows.Select(w => (double)w.Days).ToArray();
            var empirical = plot.Add.ScatterPoints(days, [.. stability.Windows.Select(w => w.Credibility)]);
            empirical.LegendText = "credibility Z (slope of the true relativity on the n-day one)";
            empirical.MarkerSize = 10;
            if (stability.Windows.All(w => !double.IsNaN(w.CellCredibility)))
            {
                var withinCells = plot.Add.ScatterPoints(days, [.. stability.Windows.Select(w => w.CellCredibility)]);
                withinCells.LegendText = "credibility Z within cells (both relativities over their age × vehicle cell's mean)";
                withinCells.MarkerShape = ScottPlot.MarkerShape.FilledDiamond;
                withinCells.MarkerSize = 10;
            }

            var curveDays = Enumerable.Range(1, (int)days[^1]).Select(d => (double)d).ToArray();
            var fitted = plot.Add.ScatterLine(curveDays, [.. curveDays.Select(d => WindowStability.Credibility(d, stability.MinCredibilityDays))]);
            fitted.LegendText = $"n / (n + K), K = {stability.MinCredibilityDays:0.#} days (smallest K at or below both Z everywhere)";
            fitted.LineWidth = 2;
            fitted.MarkerSize = 0;
            var persistence = plot.Add.ScatterPoints(days, [.. stability.Windows.Select(w => w.Persistence)]);
            persistence.LegendText = "persistence (slope of the longest window's relativity on the n-day one)";
            persistence.MarkerShape = ScottPlot.MarkerShape.OpenCircle;
            persistence.MarkerSize = 10;
            var same = plot.Add.ScatterLine(days, [.. stability.Windows.Select(w => w.SameCategoryShare)]);
            same.LegendText = "share in the same category as the longest window";
            same.LinePattern = ScottPlot.LinePattern.Dashed;
            plot.Title("Credibility of a relativity observed over n days");
            plot.XLabel("days observed");
            plot.YLabel("Z, share");
            plot.Axes.SetLimitsY(0, Math.Max(1.05, stability.Windows.Max(w => Math.Max(Math.Max(w.Credibility, w.Persistence), double.IsNaN(w.CellCredibility) ? 0 : w.CellCredibility)) + 0.05));
            plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        });
    }
}
