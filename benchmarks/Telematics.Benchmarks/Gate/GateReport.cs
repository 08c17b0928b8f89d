using System.Globalization;
using System.Text;
using System.Text.Json;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace Telematics.Benchmarks.Gate;

/// <summary>Writes a gate run as JSON and markdown, appends it to the history and redraws the history's chart.</summary>
internal static class GateReport
{
    private const string HistoryHeader = "commit,date,gate,median,low,high,bound,passed";

    public static void Write(IReadOnlyList<GateMeasurement> results, GateOptions options)
    {
        var date = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        if (options.OutDirectory is { } output)
        {
            Directory.CreateDirectory(output);
            File.WriteAllText(Path.Combine(output, "gate.json"), JsonSerializer.Serialize(
                results.Select(r => new { r.Gate.Id, r.Gate.Class, r.Gate.Candidate, r.Gate.Baseline, r.Gate.Kind, r.Median, r.Low, r.High, r.Gate.Max, r.Gate.Min, r.Passed, r.Remeasured, r.Repetitions }),
                GateDefinition.Options));
            File.WriteAllText(Path.Combine(output, "gate.md"), Markdown(results, options.Commit, date));
        }

        if (options.HistoryPath is { } history)
        {
            var lines = new StringBuilder();
            if (!File.Exists(history))
            {
                lines.AppendLine(HistoryHeader);
            }

            foreach (var r in results)
            {
                lines.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"{options.Commit},{date},{r.Gate.Id},{r.Median:0.######},{r.Low:0.######},{r.High:0.######},{r.Bound.Replace("≤ ", "max ", StringComparison.Ordinal).Replace("≥ ", "min ", StringComparison.Ordinal)},{(r.Passed ? "true" : "false")}"));
            }

            File.AppendAllText(history, lines.ToString());
            DrawChart(history, Path.ChangeExtension(history, ".svg"));
        }
    }

    private static string Markdown(IReadOnlyList<GateMeasurement> results, string commit, string date)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Benchmark gate: {results.Count(r => r.Passed)} of {results.Count} passed ({commit}, {date})");
        text.AppendLine();
        text.AppendLine("| gate | figure | interval | bound | verdict | measured | reason |");
        text.AppendLine("|---|---:|---|---|---|---|---|");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Gate.Id} | {r.Median:0.####} {r.Unit} | [{r.Low:0.####}, {r.High:0.####}] | {r.Bound} | {(r.Marginal ? "pass (marginal)" : r.Passed ? "pass" : "**FAIL**")} | {r.Gate.Class}.{r.Gate.Candidate}{(r.Gate.Baseline is { } b ? " vs " + b : string.Empty)} | {r.Gate.Reason} |");
        }

        return text.ToString();
    }

    /// <summary>One line per gate over the history's runs, each figure divided by its bound (1 = at the bound).</summary>
    internal static void DrawChart(string historyPath, string svgPath)
    {
        var rows = File.ReadAllLines(historyPath).Skip(1).Select(l => l.Split(',')).Where(p => p.Length == 8).ToList();
        var runs = rows.Select(p => (p[0], p[1])).Distinct().ToList();
        var model = new PlotModel { Title = "Benchmark gates over commits (figure ÷ bound; above 1 misses a max)" };
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.RightTop, LegendPlacement = LegendPlacement.Outside });
        model.Axes.Add(new CategoryAxis { Position = AxisPosition.Bottom, ItemsSource = runs.Select(r => r.Item1).ToList(), Angle = 45 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "figure ÷ bound" });
        foreach (var gate in rows.GroupBy(p => p[2]))
        {
            var series = new LineSeries { Title = gate.Key, MarkerType = MarkerType.Circle };
            foreach (var row in gate)
            {
                var bound = double.Parse(row[6].AsSpan(4), CultureInfo.InvariantCulture);
                var figure = double.Parse(row[3], CultureInfo.InvariantCulture);
                var x = runs.IndexOf((row[0], row[1]));

                // Allocation bounds of 0 B are drawn as the bytes themselves (0 is on the line's floor).
                series.Points.Add(new DataPoint(x, bound == 0 ? figure : figure / bound));
            }

            model.Series.Add(series);
        }

        using var stream = File.Create(svgPath);
        new SvgExporter { Width = 1100, Height = 520 }.Export(model, stream);
    }
}
