using Telematics.Training.Datasets;

namespace Telematics.Training.Pricing;

/// <summary>
/// The classical correction checked out of sample: the cell means and relativities fitted on the training population's
/// out-of-fold λ, applied unchanged to a fresh population scored by the served model, against that population's claims.
/// On the training drivers the corrected price balances every group by construction; here it can fail.
/// </summary>
public static class ClassicalHoldout
{
    /// <summary>
    /// Observed claims against the model's λ alone (<see cref="CellBalance.ModelClaims"/>) and against the corrected price
    /// (<see cref="ClassicalRelativityFit.PricedFrequency"/> × exposure, <see cref="CellBalance.CorrectedClaims"/>), by age
    /// band and by vehicle class, in code order.
    /// </summary>
    /// <param name="fit">The fit on the training population.</param>
    /// <param name="holdout">The fresh drivers, with classical factors, exposure and claims.</param>
    /// <param name="predicted">The served model's annual frequency per holdout driver, each &gt; 0.</param>
    /// <exception cref="ArgumentException">The holdout has no classical factors or the predictions do not match its drivers.</exception>
    public static IReadOnlyList<CellBalance> Balance(ClassicalRelativityFit fit, TrainingDataset holdout, IReadOnlyList<double> predicted)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(holdout);
        ArgumentNullException.ThrowIfNull(predicted);
        if (!holdout.HasClassicalFactors)
        {
            throw new ArgumentException("The holdout drivers need classical factors (age band, vehicle class, region).", nameof(holdout));
        }

        if (predicted.Count != holdout.Count)
        {
            throw new ArgumentException($"One prediction per holdout driver is needed: {predicted.Count} for {holdout.Count} drivers.", nameof(predicted));
        }

        var ages = new SortedDictionary<string, Sums>(CodeOrder.Instance);
        var vehicles = new SortedDictionary<string, Sums>(CodeOrder.Instance);
        for (var i = 0; i < holdout.Count; i++)
        {
            var factors = holdout.Classical(i);
            var exposure = holdout.ExposureYears[i];
            var model = exposure * predicted[i];
            var priced = exposure * fit.PricedFrequency(factors, predicted[i]);
            Add(ages, factors.AgeBand.Code(), holdout.Claims[i], model, priced);
            Add(vehicles, factors.VehicleClass.Code(), holdout.Claims[i], model, priced);
        }

        var rows = new List<CellBalance>(ages.Count + vehicles.Count);
        foreach (var (group, s) in ages)
        {
            rows.Add(new CellBalance("age band", group, s.Drivers, s.Observed, s.Model, s.Priced));
        }

        foreach (var (group, s) in vehicles)
        {
            rows.Add(new CellBalance("vehicle class", group, s.Drivers, s.Observed, s.Model, s.Priced));
        }

        return rows;
    }

    private static void Add(SortedDictionary<string, Sums> sums, string group, int claims, double model, double priced)
    {
        var s = sums.GetValueOrDefault(group);
        sums[group] = new Sums(s.Drivers + 1, s.Observed + claims, s.Model + model, s.Priced + priced);
    }

    private readonly record struct Sums(int Drivers, double Observed, double Model, double Priced);

    // Codes in their natural order (under25 before 25_39), as the training balance table lists them.
    private sealed class CodeOrder : IComparer<string>
    {
        public static readonly CodeOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var rank = ClassicalRelativityFit.Rank(x ?? "").CompareTo(ClassicalRelativityFit.Rank(y ?? ""));
            return rank != 0 ? rank : string.CompareOrdinal(x, y);
        }
    }
}
