using Telematics.Training.Datasets;

namespace Telematics.Training.Pricing;

// The cell table: exposure-weighted mean λ per classical cell, and the lookup a plan does (most specific cell first).
public sealed partial class ClassicalRelativityFit
{
    // Exposure-weighted mean λ per cell, finest first: age × vehicle, then age, then vehicle; cells under MinCellDrivers left out.
    private static Dictionary<string, double> CellMeans(ClassicalFactors[] factors, ReadOnlySpan<double> exposure, IReadOnlyList<double> predicted)
    {
        var sums = new Dictionary<string, (double Exposure, double Claims, int Drivers)>(StringComparer.Ordinal);
        for (var i = 0; i < factors.Length; i++)
        {
            var (age, vehicle) = (factors[i].AgeBand.Code(), factors[i].VehicleClass.Code());
            foreach (var key in (ReadOnlySpan<string>)[$"*/{age}/{vehicle}", $"*/{age}/*", $"*/*/{vehicle}"])
            {
                var (e, c, d) = sums.GetValueOrDefault(key);
                sums[key] = (e + exposure[i], c + (exposure[i] * predicted[i]), d + 1);
            }
        }

        var cells = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var key in sums.Keys.OrderBy(k => k.Count(c => c == '*')).ThenBy(CellOrder).ThenBy(k => k, StringComparer.Ordinal))
        {
            var (e, c, d) = sums[key];
            if (d >= MinCellDrivers)
            {
                cells[key] = c / e;
            }
        }

        return cells;
    }

    // Keys in the order of the codes (under25 before 25_39), not of the strings.
    private static int CellOrder(string key)
    {
        var parts = key.Split('/');
        return (Rank(parts[1]) * 10) + Rank(parts[2]);
    }

    internal static int Rank(string code) => code switch
    {
        "under25" or "small" => 0,
        "25_39" or "family" => 1,
        "40_64" or "suv" => 2,
        "over65" or "performance" => 3,
        _ => 9,
    };

    private static double MeanFor(IReadOnlyDictionary<string, double> cells, double book, ClassicalFactors factors)
    {
        var (age, vehicle) = (factors.AgeBand.Code(), factors.VehicleClass.Code());
        return cells.TryGetValue($"*/{age}/{vehicle}", out var mean) || cells.TryGetValue($"*/{age}/*", out mean) || cells.TryGetValue($"*/*/{vehicle}", out mean)
            ? mean
            : book;
    }
}
