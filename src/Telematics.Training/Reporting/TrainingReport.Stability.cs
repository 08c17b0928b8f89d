using System.Globalization;
using System.Text;
using Telematics.Training.Evaluation;
using Telematics.Training.Modeling;

namespace Telematics.Training.Reporting;

// The report's sections on how far its figures can be trusted beyond one run: other fold seeds, other windows.
public sealed partial class TrainingReport
{
    /// <summary>Cross-validations of the same data with other fold and trainer seeds, the report's own first; empty or one for none.</summary>
    public IReadOnlyList<(ulong Seed, CrossValidationResult Result)> SeedRuns { get; init; } = [];

    /// <summary>Scores of the same drivers over several windows and the empirical credibility curve; null when not run.</summary>
    public WindowStability? Stability { get; init; }

    /// <summary>File name of the credibility chart beside the report, or null.</summary>
    public string? StabilityChartFile { get; init; }

    private static void WriteSeedRuns(StringBuilder md, IReadOnlyList<(ulong Seed, CrossValidationResult Result)> runs)
    {
        md.AppendLine("## Out of fold across seeds").AppendLine();
        Line(md, $"The same drivers cross-validated {runs.Count} times, each with its own seed for the fold assignment and the trainers: how much the figures owe to one split.");
        md.AppendLine();
        md.AppendLine("| model | seed | normalised Gini | share of oracle's | mean Poisson deviance |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        var models = runs[0].Result.Evaluations.Select(e => e.Model).Where(m => m != CrossValidator.OracleName).ToList();
        foreach (var model in models)
        {
            var shares = new List<double>();
            var ginis = new List<double>();
            foreach (var (seed, result) in runs)
            {
                if (result.Find(model) is not { } evaluation)
                {
                    continue;
                }

                var oracle = result.Find(CrossValidator.OracleName);
                var share = oracle is null ? double.NaN : evaluation.NormalisedGini / oracle.NormalisedGini;
                ginis.Add(evaluation.NormalisedGini);
                shares.Add(share);
                Line(md, $"| {model} | {seed} | {evaluation.NormalisedGini:F4} | {Share(share)} | {evaluation.MeanDeviance:F5} |");
            }

            Line(md, $"| **{model}** | range | {ginis.Min():F4} – {ginis.Max():F4} | {(shares.Any(double.IsNaN) ? "–" : string.Create(CultureInfo.InvariantCulture, $"{shares.Min():P1} – {shares.Max():P1}"))} | |");
        }

        md.AppendLine();
    }

    private static void WriteStability(StringBuilder md, WindowStability stability, string? chart)
    {
        var longest = stability.Windows[^1].Days;
        md.AppendLine("## Window stability and credibility").AppendLine();
        Line(md, $"{stability.Drivers:N0} drivers of another population (seed {stability.Seed}) observed over their first n days of the same simulation and scored by the packaged model; each window is compared with the longest ({longest} days). Score = percentile among the training drivers, as the package's calibration; categories are its 20-point bands.");
        md.AppendLine();
        Line(md, $"| days | mean λ / mean λ over {longest} d | same category as {longest} d | mean \\|Δ score\\| | persistence to {longest} d | credibility Z vs truth | Z within cells | n / (n + K), K = {stability.MinCredibilityDays:0.#} |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in stability.Windows)
        {
            Line(md, $"| {row.Days} | {row.MeanRelativity:F3} | {row.SameCategoryShare:P1} | {row.MeanAbsScoreChange:F1} | {row.Persistence:F3} | {row.Credibility:F3} | {(double.IsNaN(row.CellCredibility) ? "–" : row.CellCredibility.ToString("F3", CultureInfo.InvariantCulture))} | {WindowStability.Credibility(row.Days, stability.MinCredibilityDays):F3} |");
        }

        md.AppendLine();
        Line(md, $"Persistence is the slope of the {longest}-day relativity on the n-day one: how much of an n-day deviation from the book mean the same driver keeps over {longest} days. Credibility Z is the slope of the true relativity (the true λ without the age, region and vehicle factors the base rate prices, over its mean) on the n-day predicted relativity: the Z for which 1 + Z·(λ/λ̄ − 1) is the best linear estimate of the truth, which a relativity plan's Z = d / (d + K) should not exceed. That slope also credits the model for telling the age and vehicle cells apart, which the classical relativities already price; a plan prices λ over its cell's mean λ̄_cell, so Z within cells takes both relativities over their cell's mean (age band × vehicle class, the plan's finest cells) and pools the slope over the cells. The smallest K for which n / (n + K) stays at or below the lower of the two at every window is {stability.MinCredibilityDays:0.#} days: a plan's `credibility_days` at or above it credits no window more than the data supports. Beyond the longest window the curve is not measured, and a Z above 1 would mean the model's relativities are too narrow over that window, not that the data earns more than full weight.");
        md.AppendLine();
        if (chart is not null)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"![Empirical credibility by window]({chart})").AppendLine();
        }

        if (stability.SamplingNoise is { } noise)
        {
            WriteSamplingNoise(md, stability, noise, longest);
        }

        if (stability.Factors.Count > 0)
        {
            WriteReliability(md, stability.Factors, stability.Windows[0].Days, longest);
        }
    }

    private static void WriteSamplingNoise(StringBuilder md, WindowStability stability, double noise, int longest)
    {
        var level = WindowStability.IntervalLevel;
        Line(md, $"**Score intervals.** Over n trips the predicted ln λ lies about s/√n from the driver's long-run value; fitted on these drivers, s = {noise:F4} per trip. The package records it as `sampling_noise`, and each score then carries the {level:P0} interval of the long-run score: the ends of ln λ ± {WindowStability.IntervalZ:F3}·s/√n through the calibration. A category is *settled* when the whole interval lies in one band. The check: the share of changes from n days to {longest} within the {level:P0} band the fit implies for each driver's trips, s·√(1/n − 1/N) (about {level:P0} when the noise model holds), and how often a settled category is kept.");
        md.AppendLine();
        Line(md, $"| days | changes within the fitted {level:P0} band | category settled | settled and kept at {longest} d |");
        md.AppendLine("|---:|---:|---:|---:|");
        foreach (var row in stability.Windows)
        {
            Line(md, $"| {row.Days} | {Share(row.NoiseBandShare)} | {Share(row.SettledShare)} | {Share(row.SettledSameCategoryShare)} |");
        }

        md.AppendLine();
    }

    private static string Share(double value) => double.IsNaN(value) ? "–" : value.ToString("P1", CultureInfo.InvariantCulture);

    private static void WriteReliability(StringBuilder md, IReadOnlyList<FactorReliability> factors, int shortest, int longest)
    {
        Line(md, $"How well {shortest} days measure each factor: the correlation, over the same drivers, of its value (as the frequency model transforms it) over the first {shortest} days with its value over {longest} days. A factor a short window measures poorly moves short-window scores on noise alone; road context is never rated (see \"Rating factors\").");
        md.AppendLine();
        Line(md, $"| factor | role | in the model | {shortest}- vs {longest}-day correlation |");
        md.AppendLine("|---|---|---|---:|");
        foreach (var factor in factors)
        {
            var role = factor.Role == FactorRole.Context ? "road context" : "rating";
            Line(md, $"| `{factor.Feature}` | {role} | {(factor.InModel ? "yes" : "")} | {(double.IsNaN(factor.Correlation) ? "–" : factor.Correlation.ToString("F3", CultureInfo.InvariantCulture))} |");
        }

        md.AppendLine();
    }
}
