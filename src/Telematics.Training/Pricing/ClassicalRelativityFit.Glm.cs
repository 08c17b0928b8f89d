using MathNet.Numerics.LinearAlgebra;
using Telematics.Training.Datasets;

namespace Telematics.Training.Pricing;

// The relativities: a Poisson GLM on the classical factors with the model's log λ as offset, fitted by Newton's method.
public sealed partial class ClassicalRelativityFit
{
    // Intercept, then one column per non-reference level with claims: age bands, vehicle classes, regions.
    private static (Matrix<double> Design, List<string> Ages, List<string> Vehicles, List<string> Regions) Design(ClassicalFactors[] factors, ReadOnlySpan<int> claims)
    {
        var claimed = claims.ToArray();
        var ages = Levels(factors.Select(f => f.AgeBand.Code()).ToArray(), claimed, "40_64");
        var vehicles = Levels(factors.Select(f => f.VehicleClass.Code()).ToArray(), claimed, "family");
        var regions = Levels(factors.Select(f => f.Region).ToArray(), claimed, RegionReference);
        var columns = 1 + ages.Count + vehicles.Count + regions.Count;
        var design = Matrix<double>.Build.Dense(factors.Length, columns);
        for (var i = 0; i < factors.Length; i++)
        {
            design[i, 0] = 1;
            Set(design, i, 1, ages, factors[i].AgeBand.Code());
            Set(design, i, 1 + ages.Count, vehicles, factors[i].VehicleClass.Code());
            Set(design, i, 1 + ages.Count + vehicles.Count, regions, factors[i].Region);
        }

        return (design, ages, vehicles, regions);

        static void Set(Matrix<double> design, int row, int first, List<string> levels, string value)
        {
            var k = levels.IndexOf(value);
            if (k >= 0)
            {
                design[row, first + k] = 1;
            }
        }
    }

    // The non-reference levels that have claims; when the reference level has none the first level that has serves as
    // reference. A level without a claim has no finite relativity (its maximum-likelihood factor is 0): it is not rated,
    // its drivers keep factor 1 (the plan's default for a code it does not list), and the report says so.
    private static List<string> Levels(string[] values, int[] claims, string reference)
    {
        var withClaims = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < values.Length; i++)
        {
            if (claims[i] > 0)
            {
                withClaims.Add(values[i]);
            }
        }

        var rated = withClaims.OrderBy(Rank).ThenBy(v => v, StringComparer.Ordinal).ToList();
        rated.Remove(rated.Contains(reference) ? reference : rated[0]);
        return rated;
    }

    private static (Vector<double> Beta, int Iterations) NewtonPoisson(Matrix<double> x, double[] offset, ReadOnlySpan<int> claims, bool[] fitted)
    {
        var n = x.RowCount;
        var p = x.ColumnCount;
        var beta = Vector<double>.Build.Dense(p);
        double observed = 0, offsetSum = 0;
        for (var i = 0; i < n; i++)
        {
            if (!fitted[i])
            {
                continue;
            }

            observed += claims[i];
            offsetSum += Math.Exp(offset[i]);
        }

        // Start at the level that balances the total; Newton then converges in a handful of steps.
        beta[0] = Math.Log(observed / offsetSum);
        // A level with no claims would run its coefficient to −∞; the tiny ridge keeps it finite and leaves the others as fitted.
        var ridge = Matrix<double>.Build.DenseIdentity(p) * 1e-8;
        ridge[0, 0] = 0;
        var iterations = 0;
        while (iterations < 100)
        {
            iterations++;
            var information = ridge.Clone();
            var score = Vector<double>.Build.Dense(p);
            for (var i = 0; i < n; i++)
            {
                if (!fitted[i])
                {
                    continue;
                }

                var row = x.Row(i);
                var mu = Math.Exp(offset[i] + row.DotProduct(beta));
                score += row * (claims[i] - mu);
                information += row.OuterProduct(row) * mu;
            }

            var step = information.Solve(score - (ridge * beta));
            beta += step;
            if (step.AbsoluteMaximum() < 1e-10)
            {
                break;
            }
        }

        return (beta, iterations);
    }

    // exp(β) per level (reference 1), scaled so that the exposure-weighted mean over the drivers is 1, and that mean; levels without claims left out.
    private static (Dictionary<string, double> Relativities, double Mean) Normalised(List<string> nonReference, int first, Vector<double> beta, string[] values, ReadOnlySpan<int> claims, ReadOnlySpan<double> exposure)
    {
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < values.Length; i++)
        {
            if (claims[i] > 0)
            {
                claimed.Add(values[i]);
            }
        }

        var raw = new Dictionary<string, double>(StringComparer.Ordinal);
        double weighted = 0, total = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var k = nonReference.IndexOf(values[i]);
            var factor = k < 0 ? 1 : Math.Exp(beta[first + k]);
            raw[values[i]] = factor;
            weighted += exposure[i] * factor;
            total += exposure[i];
        }

        var mean = weighted / total;
        return (raw.Where(p => claimed.Contains(p.Key)).OrderBy(p => Rank(p.Key)).ThenBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value / mean, StringComparer.Ordinal), mean);
    }
}
