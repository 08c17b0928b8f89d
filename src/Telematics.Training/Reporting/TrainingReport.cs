using System.Globalization;
using System.Text;
using Telematics.Training.Evaluation;
using Telematics.Training.Modeling;
using Telematics.Training.Packaging;

namespace Telematics.Training.Reporting;

/// <summary>The markdown report of a training run: data, metrics per model and the oracle, calibration by decile, top features, package, timings.</summary>
public sealed partial class TrainingReport
{
    /// <summary>The command line that produced the run, quoted in the report so it can be reproduced.</summary>
    public required string Command { get; init; }

    /// <summary>One line describing the data (for example <c>synthetic: 20,000 drivers × 14 days, seed 7</c>).</summary>
    public required string Data { get; init; }

    /// <summary>The dataset's totals: drivers, claims and exposure years.</summary>
    public required (int Drivers, long Claims, double ExposureYears) Totals { get; init; }

    /// <summary>The cross-validation.</summary>
    public required CrossValidationResult CrossValidation { get; init; }

    /// <summary>Importance of each model's inputs (from the model fitted on all drivers), by model name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(string Input, double Share)>> Importance { get; init; } =
        new Dictionary<string, IReadOnlyList<(string, double)>>();

    /// <summary>The GLM fitted on all drivers, whose terms and dropped factors the report lists; null when none was fitted.</summary>
    public MonotonePoissonGlm? Glm { get; init; }

    /// <summary>The final models on a fresh population, when one was simulated.</summary>
    public HoldoutEvaluation? Holdout { get; init; }

    /// <summary>File name of the holdout calibration chart next to the report, if one was drawn.</summary>
    public string? HoldoutChartFile { get; init; }

    /// <summary>One line describing the holdout population.</summary>
    public string? HoldoutData { get; init; }

    /// <summary>The packaged model's out-of-fold predictions by age band and region, when the data has them.</summary>
    public IReadOnlyList<GroupDistribution> Fairness { get; init; } = [];

    /// <summary>Bootstrap intervals of the out-of-fold figures, per model.</summary>
    public IReadOnlyList<BootstrapIntervals> Intervals { get; init; } = [];

    /// <summary>The package written, if any.</summary>
    public PackageResult? Package { get; init; }

    /// <summary>File name of the Lorenz chart next to the report, if one was drawn.</summary>
    public string? ChartFile { get; init; }

    /// <summary>Why no chart was drawn, when <see cref="ChartFile"/> is null.</summary>
    public string? ChartNote { get; init; }

    /// <summary>Wall time of each stage.</summary>
    public IReadOnlyList<(string Stage, TimeSpan Elapsed)> Timings { get; init; } = [];

    /// <summary>Machine facts to print with the timings (cores, load).</summary>
    public string? Machine { get; init; }

    /// <summary>Renders the report as markdown.</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        var cv = CrossValidation;
        md.AppendLine("# Claim-frequency training report").AppendLine();
        md.AppendLine("Reproduce with:").AppendLine().AppendLine("```sh").AppendLine(Command).AppendLine("```").AppendLine();
        Line(md, $"- Data: {Data}");
        Line(md, $"- {Totals.Drivers:N0} drivers, {Totals.Claims:N0} claims over {Totals.ExposureYears:N0} exposure years (observed frequency {Totals.Claims / Totals.ExposureYears:P2}).");
        Line(md, $"- {cv.Folds}-fold cross-validation, folds from the seed; every figure below is out of fold.");
        md.AppendLine();

        md.AppendLine("## Metrics").AppendLine();
        md.AppendLine("| model | mean Poisson deviance | deviance explained vs null | Gini | normalised Gini | AUC (≥1 claim) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var e in cv.Evaluations)
        {
            Line(md, $"| {e.Model} | {e.MeanDeviance:F5} | {e.DevianceExplained:P2} | {e.Gini:F4} | {e.NormalisedGini:F4} | {e.Auc:F4} |");
        }

        var nullDeviance = cv.Evaluations[0].NullMeanDeviance;
        Line(md, $"| null (training claim rate) | {nullDeviance:F5} | 0.00 % | 0 | 0 | 0.5 |");
        md.AppendLine();
        md.AppendLine("Deviance explained = 1 − deviance / null deviance. Normalised Gini = Gini / Gini of the hindsight ordering (observed claims per exposure year), exposure-weighted Lorenz curve over drivers ordered by predicted frequency.");
        md.AppendLine();
        AppendAcceptance(md);

        if (ChartFile is not null)
        {
            md.AppendLine($"![Lorenz curves]({ChartFile})").AppendLine();
        }
        else if (ChartNote is not null)
        {
            md.AppendLine($"No chart: {ChartNote}").AppendLine();
        }

        md.AppendLine("## Calibration by decile (predicted vs observed claims)").AppendLine();
        md.Append("| decile |");
        foreach (var e in cv.Evaluations)
        {
            md.Append(CultureInfo.InvariantCulture, $" {e.Model} predicted | observed |");
        }

        md.AppendLine();
        md.Append("|---:|");
        foreach (var _ in cv.Evaluations)
        {
            md.Append("---:|---:|");
        }

        md.AppendLine();
        for (var d = 0; d < cv.Evaluations[0].Deciles.Count; d++)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {d + 1} |");
            foreach (var e in cv.Evaluations)
            {
                md.Append(CultureInfo.InvariantCulture, $" {e.Deciles[d].PredictedClaims:F1} | {e.Deciles[d].ObservedClaims:F0} |");
            }

            md.AppendLine();
        }

        md.AppendLine().AppendLine("Each model's drivers are sorted by its own predicted claims and cut into ten equal groups.").AppendLine();

        if (Importance.Count > 0)
        {
            md.AppendLine("## Top features").AppendLine();
            md.AppendLine("Share of each model's total split gain (trees) or of its absolute coefficients (GLM), from the model fitted on all drivers.").AppendLine();
            foreach (var (model, inputs) in Importance)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"**{model}**: ");
                var top = inputs.Where(i => i.Share > 0).Take(10).Select(i => string.Create(CultureInfo.InvariantCulture, $"`{i.Input}` {i.Share:P1}"));
                md.AppendLine(string.Join(", ", top)).AppendLine();
            }
        }

        if (Intervals.Count > 0)
        {
            WriteIntervals(md, Intervals);
        }

        if (Holdout is not null)
        {
            WriteHoldout(md, Holdout, HoldoutData);
            if (HoldoutChartFile is not null)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"![Holdout calibration by decile]({HoldoutChartFile})").AppendLine();
            }

            if (HoldoutClassicalBalance.Count > 0)
            {
                WriteHoldoutClassical(md, HoldoutClassicalBalance, Classical);
            }
        }

        if (SeedRuns.Count > 1)
        {
            WriteSeedRuns(md, SeedRuns);
        }

        if (Stability is not null)
        {
            WriteStability(md, Stability, StabilityChartFile);
        }

        if (Glm is not null)
        {
            WriteGlm(md, Glm);
        }

        if (Fairness.Count > 0)
        {
            WriteFairness(md, Fairness);
        }

        if (Classical is not null)
        {
            WriteClassical(md, Classical);
        }

        if (Package is not null)
        {
            md.AppendLine("## Package").AppendLine();
            Line(md, $"- Folder: `{Path.GetFileName(Path.GetDirectoryName(Package.Folder))}/{Path.GetFileName(Package.Folder)}`, model.onnx SHA-256 `{Package.Sha256}`");
            Line(md, $"- ONNX output `{Package.OutputName}` is the {(Package.Output == PackagedOutput.Frequency ? "annual claim frequency (manifest kind `frequency`)" : "natural log of the annual claim frequency (manifest kind `score`)")}; largest |ML.NET − ONNX Runtime| frequency over the training drivers: {Package.MaxDifference:G3}.");
            Line(md, $"- Calibration: {Package.Knots.Count} knots at the training population's 5 % quantiles, score = percentile.");
            md.AppendLine();
        }

        if (Timings.Count > 0)
        {
            md.AppendLine("## Wall time").AppendLine();
            if (Machine is not null)
            {
                md.AppendLine(Machine).AppendLine();
            }

            md.AppendLine("| stage | seconds |").AppendLine("|---|---:|");
            foreach (var (stage, elapsed) in Timings)
            {
                Line(md, $"| {stage} | {elapsed.TotalSeconds:F1} |");
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    private void AppendAcceptance(StringBuilder md)
    {
        var cv = CrossValidation;
        var glm = cv.Find(FrequencyModelKind.ClassicalGlm.Name());
        var oracle = cv.Find(CrossValidator.OracleName);
        if (oracle is null)
        {
            return;
        }

        md.AppendLine("## Against the oracle").AppendLine();
        // The telematics models first: the window-invariant GLM (the packaged model when windows are known), then the trees.
        FrequencyModelKind[] order = [FrequencyModelKind.GlmTelematics, FrequencyModelKind.TreesTelematics, FrequencyModelKind.TreesAll, FrequencyModelKind.ClassicalGlm];
        foreach (var model in order.Select(k => cv.Find(k.Name())))
        {
            if (model is null)
            {
                continue;
            }

            var share = model.NormalisedGini / oracle.NormalisedGini;
            var deviance = glm is null || model == glm ? "" : model.MeanDeviance < glm.MeanDeviance
                ? string.Create(CultureInfo.InvariantCulture, $"; deviance {model.MeanDeviance:F5} below the classical baseline's {glm.MeanDeviance:F5}")
                : string.Create(CultureInfo.InvariantCulture, $"; deviance {model.MeanDeviance:F5} NOT below the classical baseline's {glm.MeanDeviance:F5}");
            Line(md, $"- {model.Model}: normalised Gini {share:P1} of the oracle's{deviance}.");
        }

        md.AppendLine();
    }

    private static void Line(StringBuilder md, FormattableString text) => md.AppendLine(text.ToString(CultureInfo.InvariantCulture));

    // The rating factors as an actuary reads them: each term's relativity across the training range, its evidence, and
    // every candidate left out with the reason.
    private static void WriteGlm(StringBuilder md, MonotonePoissonGlm glm)
    {
        md.AppendLine("## Rating factors (glm-telematics, fitted on all drivers)").AppendLine();
        md.AppendLine("ln λ = intercept + Σ coefficient · t(x), x clipped to the training 0.5–99.5 % range (missing = median), t = x or ln(1 + x). " +
            "Relativity = the factor's multiplier at the top of its range against the bottom.").AppendLine();
        md.AppendLine("| factor | direction | transform | range | coefficient | std. error | z | relativity across range |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|");
        foreach (var term in glm.Terms)
        {
            var relativity = Math.Exp(term.Coefficient * (term.Transform(term.Upper) - term.Transform(term.Lower)));
            Line(md, $"| `{term.Factor.Feature}` | {term.Factor.Direction.ToWireName()} | {(term.Factor.Transform == FactorTransform.Log1p ? "ln(1 + x)" : "x")} | {term.Lower:G4}–{term.Upper:G4} | {term.Coefficient:G4} | {term.StandardError:G3} | {term.Z:F1} | {relativity:F3} |");
        }

        Line(md, $"\nIntercept {glm.Intercept:G6}; {glm.Iterations} IRLS iterations in the final fit.");
        md.AppendLine();
        md.AppendLine("Monotonicity sweep: each factor's multiplier against its training median, other factors fixed, at five points of its range " +
            "(the package loader repeats the sweep at 33 points and refuses a model that moves against a claimed direction).").AppendLine();
        md.AppendLine("| factor | direction | at 0.5 % | at 25 % of range | at median | at 75 % of range | at 99.5 % | monotone as claimed |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---|");
        foreach (var term in glm.Terms)
        {
            double At(double x) => Math.Exp(term.Coefficient * (term.Transform(x) - term.Transform(term.Median)));
            var span = term.Upper - term.Lower;
            var ok = term.Factor.Direction == RiskDirection.Unknown || (int)term.Factor.Direction * term.Coefficient >= 0 ? "yes" : "NO";
            Line(md, $"| `{term.Factor.Feature}` | {term.Factor.Direction.ToWireName()} | {At(term.Lower):F3} | {At(term.Lower + (0.25 * span)):F3} | 1.000 | {At(term.Lower + (0.75 * span)):F3} | {At(term.Upper):F3} | {ok} |");
        }
        md.AppendLine().AppendLine("Left out:").AppendLine();
        foreach (var dropped in glm.Dropped)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- `{dropped.Feature}`: {dropped.Reason}");
        }

        md.AppendLine();
    }

    private static void WriteHoldout(StringBuilder md, HoldoutEvaluation holdout, string? data)
    {
        md.AppendLine("## Fresh holdout").AppendLine();
        Line(md, $"The final models (fitted on all training drivers) scored on a population they never saw{(data is null ? "" : $": {data}")}. The constant rate is the training population's claim frequency.");
        md.AppendLine();
        md.AppendLine("| model | mean Poisson deviance | constant-rate deviance | normalised Gini | share of oracle's | predicted / observed claims |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var model in holdout.Models)
        {
            var e = model.Evaluation;
            var share = holdout.Oracle is null ? "–" : string.Create(CultureInfo.InvariantCulture, $"{e.NormalisedGini / holdout.Oracle.NormalisedGini:P1}");
            Line(md, $"| {e.Model} | {e.MeanDeviance:F5} | {e.NullMeanDeviance:F5} | {e.NormalisedGini:F4} | {share} | {model.PredictedOverObserved:F3} |");
        }

        if (holdout.Oracle is { } oracle)
        {
            Line(md, $"| oracle | {oracle.MeanDeviance:F5} | {oracle.NullMeanDeviance:F5} | {oracle.NormalisedGini:F4} | 100 % | |");
        }

        md.AppendLine();
        md.AppendLine("Calibration by decile on the holdout (each model's drivers sorted by its own prediction, ten equal groups):").AppendLine();
        var columns = holdout.Models.Select(m => m.Evaluation).Concat(holdout.Oracle is null ? [] : [holdout.Oracle]).ToList();
        md.Append("| decile |");
        foreach (var e in columns)
        {
            md.Append(CultureInfo.InvariantCulture, $" {e.Model} predicted | observed |");
        }

        md.AppendLine().Append("|---:|");
        foreach (var _ in columns)
        {
            md.Append("---:|---:|");
        }

        md.AppendLine();
        for (var d = 0; d < columns[0].Deciles.Count; d++)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {d + 1} |");
            foreach (var e in columns)
            {
                md.Append(CultureInfo.InvariantCulture, $" {e.Deciles[d].PredictedClaims:F1} | {e.Deciles[d].ObservedClaims:F0} |");
            }

            md.AppendLine();
        }

        md.AppendLine();
    }

    private static void WriteFairness(StringBuilder md, IReadOnlyList<GroupDistribution> rows)
    {
        md.AppendLine("## Scores by age band and region (packaged model, out of fold)").AppendLine();
        md.AppendLine("The model never sees age or region; where its scores differ by group, driving habits carry the difference " +
            "(see docs/training/fairness.md). Score = percentile of the predicted frequency in the population.").AppendLine();
        md.AppendLine("| attribute | group | drivers | observed frequency | predicted frequency | mean score | share high (> 80) |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Line(md, $"| {row.Attribute} | {row.Group} | {row.Drivers:N0} | {row.ObservedFrequency:F4} | {row.PredictedFrequency:F4} | {row.MeanScore:F1} | {row.HighShare:P1} |");
        }

        md.AppendLine();
    }

    private static void WriteIntervals(StringBuilder md, IReadOnlyList<BootstrapIntervals> intervals)
    {
        md.AppendLine("## Uncertainty (out of fold)").AppendLine();
        Line(md, $"95 % percentile-bootstrap intervals over {BootstrapIntervals.Resamples} resamples of the drivers; the share of the oracle's Gini is computed on the same resample.");
        md.AppendLine();
        md.AppendLine("| model | normalised Gini | mean Poisson deviance | share of oracle's Gini |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var i in intervals)
        {
            var share = i.ShareOfOracleGini is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s.Low:P1} – {s.High:P1}") : "–";
            Line(md, $"| {i.Model} | {i.NormalisedGini.Low:F4} – {i.NormalisedGini.High:F4} | {i.MeanDeviance.Low:F5} – {i.MeanDeviance.High:F5} | {share} |");
        }

        md.AppendLine();
    }
}
