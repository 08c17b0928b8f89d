using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using Telematics.Features.Schema;
using Telematics.Training.Datasets;

namespace Telematics.Training.Modeling;

/// <summary>
/// A Poisson GLM of annual claim frequency on the telematics@2 rating factors: <c>ln λ = b₀ + Σ βⱼ·tⱼ(xⱼ)</c>, each term
/// monotone in its feature, and increasing (decreasing) wherever <see cref="RatingFactors"/> claims a direction.
/// </summary>
/// <remarks>
/// <para>
/// Fitted by iteratively reweighted least squares on standardised terms with a small ridge penalty, rate target and
/// exposure weights (the Poisson likelihood of the counts with a ln-exposure offset). Then, one factor at a time, a term
/// whose sign contradicts its claimed direction is dropped, or else the term with the weakest evidence when its Wald
/// statistic is below <see cref="GlmOptions.MinAbsZ"/>, and the model is refitted. Data-quality features never enter.
/// </para>
/// <para>
/// Why a GLM and not trees: on a few thousand claims a boosted model memorises the sample (its out-of-sample deviance
/// was worse than a constant rate), while the true frequency is close to log-linear in the driving habits the
/// features measure. A GLM is monotone by construction, exact to export, and each coefficient is a relativity an
/// actuary reads directly. With an intercept, the fitted claims equal the observed claims on the training drivers.
/// </para>
/// </remarks>
public sealed class MonotonePoissonGlm
{
    private MonotonePoissonGlm(double intercept, GlmTerm[] terms, DroppedFactor[] dropped, int iterations)
    {
        Intercept = intercept;
        Terms = terms;
        Dropped = dropped;
        Iterations = iterations;
    }

    /// <summary>ln λ of a driver whose every transformed term is 0.</summary>
    public double Intercept { get; }

    /// <summary>The terms kept, in telematics@2 schema order.</summary>
    public IReadOnlyList<GlmTerm> Terms { get; }

    /// <summary>The candidate factors left out, in the order they were dropped.</summary>
    public IReadOnlyList<DroppedFactor> Dropped { get; }

    /// <summary>IRLS iterations of the final fit.</summary>
    public int Iterations { get; }

    /// <summary>Annual claim frequency of a telematics@2 vector.</summary>
    public double PredictFrequency(ReadOnlySpan<float> v2)
    {
        var eta = Intercept;
        foreach (var term in Terms)
        {
            eta += term.Coefficient * term.Transform(v2[term.SchemaIndex]);
        }

        return Math.Exp(eta);
    }

    /// <summary>Fits the model on <paramref name="rows"/> of a dataset that knows its observation windows.</summary>
    /// <returns>The fitted model; the constant claim rate (no terms) when every factor was dropped.</returns>
    /// <exception cref="InvalidOperationException">The dataset has no observation windows.</exception>
    public static MonotonePoissonGlm Fit(TrainingDataset data, IReadOnlyList<int> rows, GlmOptions options) =>
        Fit(data, rows, options, RatingFactors.All);

    /// <summary>Fits on <paramref name="factors"/>, in any order (a test reorders them to pin where each is read).</summary>
    internal static MonotonePoissonGlm Fit(TrainingDataset data, IReadOnlyList<int> rows, GlmOptions options, IReadOnlyList<RatingFactor> factors)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        var n = rows.Count;
        var width = TelematicsFeaturesV2.Schema.Count;
        var v2 = new float[n * width];
        var exposure = new double[n];
        var rate = new double[n];
        for (var r = 0; r < n; r++)
        {
            data.WriteV2Features(rows[r], v2.AsSpan(r * width, width));
            exposure[r] = data.ExposureYears[rows[r]];
            rate[r] = data.Claims[rows[r]] / exposure[r];
        }

        var dropped = new List<DroppedFactor>();
        var candidates = new List<GlmTerm>();
        var column = new double[n];
        foreach (var factor in factors)
        {
            // The factor's own position in the vector, not its place in the list: the two agree only by convention.
            var j = TelematicsFeaturesV2.Schema.IndexOf(factor.Feature);
            if (options.ExcludedFeatures.Contains(factor.Feature))
            {
                dropped.Add(new DroppedFactor(factor.Feature, "excluded by the training switch (a jurisdiction prohibits it)"));
                continue;
            }

            if (factor.Role != FactorRole.Rating)
            {
                dropped.Add(new DroppedFactor(factor.Feature, factor.Role == FactorRole.DataQuality
                    ? "data quality, not driving: lowers credibility instead"
                    : "road context, not behaviour: stands in for distance and road mix"));
                continue;
            }

            var present = 0;
            for (var r = 0; r < n; r++)
            {
                var x = v2[(r * width) + j];
                if (!float.IsNaN(x))
                {
                    column[present++] = x;
                }
            }

            var values = column.AsSpan(0, present);
            values.Sort();
            if (present < n / 2 || CentralRange.Quantile(values, CentralRange.LowerQuantile) >= CentralRange.Quantile(values, CentralRange.UpperQuantile))
            {
                dropped.Add(new DroppedFactor(factor.Feature, present < n / 2 ? "missing for most drivers" : "no variation in training"));
                continue;
            }

            candidates.Add(new GlmTerm(
                factor, j, CentralRange.Quantile(values, CentralRange.LowerQuantile), CentralRange.Quantile(values, CentralRange.UpperQuantile), CentralRange.Quantile(values, 0.5), 0, 0));
        }

        while (true)
        {
            if (candidates.Count == 0)
            {
                // No factor carries signal: the constant rate is the honest fit (a fold of a small book can be like this).
                // Packaging refuses it later, since a score needs drivers to differ.
                double claims = 0, years = 0;
                for (var r = 0; r < n; r++)
                {
                    claims += rate[r] * exposure[r];
                    years += exposure[r];
                }

                return new MonotonePoissonGlm(Math.Log(Math.Max(claims, 0.5) / years), [], [.. dropped], 0);
            }

            var fit = FitTerms(candidates, v2, width, exposure, rate, options);
            var worst = -1;
            var worstScore = 0.0;
            for (var k = 0; k < fit.Terms.Length; k++)
            {
                // A term against its claimed direction goes first, the most confidently wrong one.
                var direction = (int)fit.Terms[k].Factor.Direction;
                var signed = direction * fit.Terms[k].Z;
                if (direction != 0 && signed < 0 && -signed > worstScore)
                {
                    worst = k;
                    worstScore = -signed;
                }
            }

            string reason;
            if (worst >= 0)
            {
                reason = string.Create(CultureInfo.InvariantCulture, $"fitted against its {fit.Terms[worst].Factor.Direction.ToWireName()} direction (z = {fit.Terms[worst].Z:F2})");
            }
            else
            {
                var weakest = double.PositiveInfinity;
                for (var k = 0; k < fit.Terms.Length; k++)
                {
                    if (Math.Abs(fit.Terms[k].Z) < weakest)
                    {
                        weakest = Math.Abs(fit.Terms[k].Z);
                        worst = k;
                    }
                }

                if (weakest >= options.MinAbsZ)
                {
                    return new MonotonePoissonGlm(fit.Intercept, fit.Terms, [.. dropped], fit.Iterations);
                }

                reason = string.Create(CultureInfo.InvariantCulture, $"no signal (|z| = {weakest:F2} < {options.MinAbsZ:F1})");
            }

            dropped.Add(new DroppedFactor(candidates[worst].Factor.Feature, reason));
            candidates.RemoveAt(worst);
        }
    }

    private static (double Intercept, GlmTerm[] Terms, int Iterations) FitTerms(
        List<GlmTerm> candidates, float[] v2, int width, double[] exposure, double[] rate, GlmOptions options)
    {
        var n = exposure.Length;
        var p = candidates.Count;
        var z = Matrix<double>.Build.Dense(n, p + 1);
        var mean = new double[p];
        var scale = new double[p];
        var totalWeight = 0.0;
        foreach (var w in exposure)
        {
            totalWeight += w;
        }

        for (var k = 0; k < p; k++)
        {
            var term = candidates[k];
            double sum = 0, sumSq = 0;
            for (var r = 0; r < n; r++)
            {
                var t = term.Transform(v2[(r * width) + term.SchemaIndex]);
                z[r, k + 1] = t;
                sum += exposure[r] * t;
                sumSq += exposure[r] * t * t;
            }

            mean[k] = sum / totalWeight;
            scale[k] = Math.Sqrt(Math.Max(sumSq / totalWeight - (mean[k] * mean[k]), 1e-24));
            for (var r = 0; r < n; r++)
            {
                z[r, k + 1] = (z[r, k + 1] - mean[k]) / scale[k];
            }
        }

        for (var r = 0; r < n; r++)
        {
            z[r, 0] = 1;
        }

        // Start from the constant rate: every driver at the portfolio frequency.
        double claims = 0;
        for (var r = 0; r < n; r++)
        {
            claims += exposure[r] * rate[r];
        }

        var beta = Vector<double>.Build.Dense(p + 1);
        beta[0] = Math.Log(Math.Max(claims, 0.5) / totalWeight);
        var penalty = Matrix<double>.Build.DenseIdentity(p + 1) * options.Ridge;
        penalty[0, 0] = 0;
        Matrix<double> information = penalty;
        var previous = double.PositiveInfinity;
        var iterations = 0;
        var weights = Vector<double>.Build.Dense(n);
        var working = Vector<double>.Build.Dense(n);
        while (iterations < options.MaxIterations)
        {
            iterations++;
            var eta = z * beta;
            var deviance = 0.0;
            for (var r = 0; r < n; r++)
            {
                var mu = Math.Exp(eta[r]);
                weights[r] = exposure[r] * mu;
                working[r] = eta[r] + ((rate[r] - mu) / mu);
                deviance += 2 * exposure[r] * ((rate[r] > 0 ? rate[r] * Math.Log(rate[r] / mu) : 0) - (rate[r] - mu));
            }

            var weighted = z.Clone();
            for (var k = 0; k <= p; k++)
            {
                for (var r = 0; r < n; r++)
                {
                    weighted[r, k] *= weights[r];
                }
            }

            information = weighted.TransposeThisAndMultiply(z) + penalty;
            beta = information.Cholesky().Solve(weighted.TransposeThisAndMultiply(working));
            if (Math.Abs(previous - deviance) <= 1e-9 * Math.Max(1, deviance))
            {
                break;
            }

            previous = deviance;
        }

        var covariance = information.Inverse();
        var terms = new GlmTerm[p];
        var intercept = beta[0];
        for (var k = 0; k < p; k++)
        {
            var coefficient = beta[k + 1] / scale[k];
            intercept -= coefficient * mean[k];
            terms[k] = candidates[k] with { Coefficient = coefficient, StandardError = Math.Sqrt(Math.Max(covariance[k + 1, k + 1], 0)) / scale[k] };
        }

        return (intercept, terms, iterations);
    }

}

/// <summary>Settings of <see cref="MonotonePoissonGlm.Fit(TrainingDataset, IReadOnlyList{int}, GlmOptions)"/>.</summary>
public sealed class GlmOptions
{
    /// <summary>Smallest |Wald z| a term keeps; weaker ones are dropped one at a time.</summary>
    /// <value>Default 2.5: conservative against keeping noise when some 25 candidates are tried.</value>
    public double MinAbsZ { get; set; } = 2.5;

    /// <summary>Ridge penalty on the standardised coefficients (not the intercept).</summary>
    /// <value>Default 1: negligible against thousands of claims, enough to keep collinear terms (two phone features) solvable.</value>
    public double Ridge { get; set; } = 1.0;

    /// <summary>Features never to rate on, whatever the data says (where a jurisdiction prohibits them; see docs/training/fairness.md).</summary>
    /// <value>Default empty.</value>
    public IReadOnlySet<string> ExcludedFeatures { get; set; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Most IRLS iterations per fit.</summary>
    /// <value>Default 50; a fit converges in under 10.</value>
    public int MaxIterations { get; set; } = 50;
}
