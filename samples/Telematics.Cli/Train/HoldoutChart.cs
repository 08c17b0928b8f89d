using Telematics.Training.Evaluation;

namespace Telematics.Cli.Train;

/// <summary>Draws predicted against observed claims by decile on the fresh holdout, one line pair per model, with ScottPlot.</summary>
internal static class HoldoutChart
{
    /// <summary>Writes the chart; returns null on success or why it could not be drawn.</summary>
    public static string? TryWrite(string path, HoldoutEvaluation holdout)
    {
        return ChartPng.TryWrite(path, 900, 650, plot =>
        {
            var deciles = Enumerable.Range(1, 10).Select(d => (double)d).ToArray();
            foreach (var model in holdout.Models)
            {
                var e = model.Evaluation;
                var predicted = plot.Add.ScatterLine(deciles, [.. e.Deciles.Select(d => d.PredictedClaims)]);
                predicted.LegendText = $"{e.Model} predicted";
                predicted.LineWidth = 2;
                var observed = plot.Add.ScatterPoints(deciles, [.. e.Deciles.Select(d => d.ObservedClaims)]);
                observed.LegendText = $"{e.Model} observed";
                observed.Color = predicted.Color;
                observed.MarkerSize = 8;
            }

            plot.Title("Fresh holdout: claims by decile of each model's prediction (line predicted, dots observed)");
            plot.XLabel("decile of predicted frequency");
            plot.YLabel("claims");
            plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        });
    }
}
