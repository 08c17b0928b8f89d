using System.Text;
using Telematics.Training.Pricing;

namespace Telematics.Training.Reporting;

// The report's section on pricing the model with classical factors: cell means, relativities, balance by group.
public sealed partial class TrainingReport
{
    /// <summary>The classical relativities and cell means derived from the packaged model's out-of-fold predictions; null when the data has no classical factors.</summary>
    public ClassicalRelativityFit? Classical { get; init; }

    /// <summary>File name of the pricing-plan fragment written beside the report, or null.</summary>
    public string? PlanFragmentFile { get; init; }

    /// <summary>The classical correction on the fresh holdout (<see cref="ClassicalHoldout.Balance"/>), by age band and vehicle class; empty when not computed.</summary>
    public IReadOnlyList<CellBalance> HoldoutClassicalBalance { get; init; } = [];

    private void WriteClassical(StringBuilder md, ClassicalRelativityFit fit)
    {
        md.AppendLine("## Classical relativities and cell means (packaged model, out of fold)").AppendLine();
        md.AppendLine("The model deliberately reads no age, vehicle or region, so on its own it under-prices the groups whose excess risk its " +
            "features do not carry. A plan prices base rate × age relativity × vehicle relativity × (1 + Z·(λ/λ̄ − 1)) with λ̄ the mean " +
            "predicted frequency of the driver's cell, so the model's signal that repeats the cell is not priced twice and a driver with " +
            "little data gets the classical price of the cell. The relativities are a Poisson GLM of the claims on age band, vehicle class " +
            "and region with offset ln(exposure · λ/λ̄_cell), fitted on the out-of-fold predictions; its score equations balance every " +
            "group. \"Before\" is the model's λ alone; \"after\" the corrected price at full credibility (Z = 1).").AppendLine();
        md.AppendLine("| attribute | group | drivers | observed claims | before: predicted | before: predicted / observed | after: predicted | after: predicted / observed | relativity |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in fit.Balance)
        {
            var table = row.Attribute switch
            {
                "age band" => fit.AgeBandRelativities,
                "vehicle class" => fit.VehicleClassRelativities,
                _ => fit.RegionRelativities,
            };
            var relativity = table.TryGetValue(row.Group, out var r) ? Format($"{r:F4}") : "not rated (no claims)";
            Line(md, $"| {row.Attribute} | {row.Group} | {row.Drivers:N0} | {row.ObservedClaims:F0} | {row.ModelClaims:F1} | {row.RatioBefore:F3} | {row.CorrectedClaims:F1} | {row.RatioAfter:F3} | {relativity} |");
        }

        md.AppendLine();
        Line(md, $"Relativities are scaled to an exposure-weighted mean of 1. Region relativities are for the base rates by region, which the plan's owner sets in their own region codes; they are not in the fragment. {fit.Iterations} Newton iterations.");
        md.AppendLine();
        Line(md, $"Cell means: book λ̄ {fit.BookMeanFrequency:F5}; {fit.CellMeanFrequency.Count} cells of at least {ClassicalRelativityFit.MinCellDrivers} drivers (smaller cells fall back to the age band, then the vehicle class, then the book).");
        md.AppendLine();
        md.AppendLine(PlanFragmentFile is null
            ? "Pricing-plan fragment (paste into a `telematics_relativity` plan; keep its credibility and caps):"
            : $"Pricing-plan fragment, also written to `{PlanFragmentFile}` (paste into a `telematics_relativity` plan; keep its credibility and caps):");
        md.AppendLine().AppendLine("```json").AppendLine(fit.ToPlanFragment()).AppendLine("```").AppendLine();
    }

    // In the holdout section: whether the relativities and cell means fitted on the training drivers still balance fresh ones.
    private static void WriteHoldoutClassical(StringBuilder md, IReadOnlyList<CellBalance> rows, ClassicalRelativityFit? fit)
    {
        md.AppendLine("Classical correction on the holdout: the cell means and relativities fitted on the training drivers' out-of-fold λ " +
            "(section \"Classical relativities and cell means\"), applied unchanged to the holdout drivers scored by the packaged model. " +
            "\"Model alone\" expects λ × exposure; \"priced\" expects base frequency × age, vehicle and region relativities × λ/λ̄_cell × exposure, " +
            "the plan's price at full credibility (Z = 1) turned back into claims, with the region relativities standing in for the base rates by region. " +
            "On the training drivers \"priced\" balances every group by construction; here it is out of sample. " +
            "Sampling noise: about two standard errors of the priced ratio, 2·√(1/holdout claims + 1/training claims of the group), " +
            "since the relativity was itself estimated from the training group's claims.").AppendLine();
        md.AppendLine("| attribute | group | drivers | observed claims | model alone: predicted | model alone: predicted / observed | priced: predicted | priced: predicted / observed | sampling noise (±) |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var before = row.ObservedClaims > 0 ? Format($"{row.RatioBefore:F3}") : "– (no claims)";
            var after = row.ObservedClaims > 0 ? Format($"{row.RatioAfter:F3}") : "– (no claims)";
            var trained = TrainingClaims(fit, row);
            var noise = row.ObservedClaims > 0 && trained > 0 ? Format($"{2 * Math.Sqrt((1 / row.ObservedClaims) + (1 / trained)):F3}") : "–";
            Line(md, $"| {row.Attribute} | {row.Group} | {row.Drivers:N0} | {row.ObservedClaims:F0} | {row.ModelClaims:F1} | {before} | {row.CorrectedClaims:F1} | {after} | {noise} |");
        }

        md.AppendLine();
    }

    // The training group's claims, which the group's relativity was estimated from; 0 when unknown.
    private static double TrainingClaims(ClassicalRelativityFit? fit, CellBalance row)
    {
        foreach (var trained in fit?.Balance ?? [])
        {
            if (trained.Attribute == row.Attribute && trained.Group == row.Group)
            {
                return trained.ObservedClaims;
            }
        }

        return 0;
    }

    private static string Format(FormattableString text) => FormattableString.Invariant(text);
}
