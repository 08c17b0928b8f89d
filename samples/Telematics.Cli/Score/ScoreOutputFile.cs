using System.Globalization;
using Telematics.Cli.Output;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Results;

namespace Telematics.Cli.Score;

/// <summary>The score file of <c>telematics score</c>: one CSV row per driver, scored, failed or scored but not priced.</summary>
internal static class ScoreOutputFile
{
    // Every driver in input order, failed ones with the scorer's reason, scored ones that cannot be priced with the reason
    // and no premium; returns how many were not priced.
    public static async Task<int> WriteAsync(string path, List<DriverFeatures> drivers, BatchScoreResult result, ScorePricing? pricing)
    {
        var unpriced = 0;
        await OutputFile.WriteTextAsync(path, async writer =>
        {
            unpriced = await WriteRowsAsync(writer, drivers, result, pricing);
        });
        return unpriced;
    }

    private static async Task<int> WriteRowsAsync(TextWriter writer, List<DriverFeatures> drivers, BatchScoreResult result, ScorePricing? pricing)
    {
        var unpriced = 0;
        var errors = result.Failures.ToDictionary(f => f.Index, f => f.Message);
        await writer.WriteLineAsync("driver_id,score,category,raw_output,model,version,experiment,variant,premium,currency,error,top_factors,out_of_range_share,confidence,score_low,score_high,category_settled");
        for (var i = 0; i < drivers.Count; i++)
        {
            var score = result.Scores[i];
            if (score is null)
            {
                await writer.WriteLineAsync(FailureRow(drivers[i].DriverId, errors[i]));
                continue;
            }

            PremiumQuote? premium = null;
            string? pricingError = null;
            if (pricing is not null && !pricing.TryQuote(score, drivers[i].Features.Span, drivers[i].ObservedDays, out premium, out pricingError))
            {
                unpriced++;
            }

            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{CsvText.Cell(score.DriverId)},{score.Score:F2},{score.Category.ToWireName()},{score.RawOutput:G6},{score.ModelName},{score.ModelVersion},{score.Experiment?.Experiment},{score.Experiment?.Variant},{premium?.Premium},{premium?.Currency},{Quoted(pricingError)},{TopFactors(score)},{score.OutOfRangeShare:0.###},{score.Confidence.ToString().ToLowerInvariant()},{score.Interval?.Low:F2},{score.Interval?.High:F2},{Settled(score.Interval)}"));
        }

        return unpriced;
    }

    // One CSV cell: quoted, its quotes made single and its lines joined (an exception's message may span two).
    private static string Quoted(string? message) =>
        message is null ? "" : $"\"{message.Replace("\"", "'", StringComparison.Ordinal).ReplaceLineEndings(" ")}\"";

    private static string FailureRow(string driverId, string message) =>
        $"{CsvText.Cell(driverId)},,,,,,,,,,{Quoted(message)},,,,,,";

    private static string Settled(ScoreInterval? interval) => interval is { } i ? (i.SettlesCategory ? "true" : "false") : "";

    // The three factors that moved the score most from the reference, as "feature:+points" separated by '|'.
    private static string TopFactors(RiskScore score)
    {
        var factors = score.Contributions.OrderByDescending(c => Math.Abs(c.Points)).Take(3);
        return string.Join('|', factors.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Feature}:{c.Points:+0.00;-0.00;0.00}")));
    }
}
