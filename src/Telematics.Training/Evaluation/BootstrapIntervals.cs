using Telematics.Training.Synthetic;

namespace Telematics.Training.Evaluation;

/// <summary>
/// 95 % percentile-bootstrap intervals of a model's out-of-fold figures: drivers are resampled with replacement and the
/// model and the oracle are evaluated on the same resample, so the share of the oracle's Gini is paired.
/// </summary>
/// <param name="Model">The model's name.</param>
/// <param name="NormalisedGini">Interval of the normalised Gini.</param>
/// <param name="MeanDeviance">Interval of the mean Poisson deviance.</param>
/// <param name="ShareOfOracleGini">Interval of normalised Gini / the oracle's on the same resample; null without an oracle.</param>
public sealed record BootstrapIntervals(string Model, (double Low, double High) NormalisedGini, (double Low, double High) MeanDeviance, (double Low, double High)? ShareOfOracleGini)
{
    /// <summary>Resamples drawn.</summary>
    public const int Resamples = 200;

    /// <summary>Computes the intervals (deterministic for a seed).</summary>
    /// <param name="model">The model's name, for the report.</param>
    /// <param name="predicted">The model's out-of-fold frequency per driver.</param>
    /// <param name="oracle">The true frequency per driver, or empty.</param>
    /// <param name="exposure">Exposure per driver, years.</param>
    /// <param name="claims">Claims per driver.</param>
    /// <param name="nullFrequency">The null model's frequency per driver.</param>
    /// <param name="seed">Seed of the resampling.</param>
    public static BootstrapIntervals Compute(
        string model, ReadOnlySpan<double> predicted, ReadOnlySpan<double> oracle, ReadOnlySpan<double> exposure, ReadOnlySpan<int> claims, ReadOnlySpan<double> nullFrequency, ulong seed)
    {
        var n = predicted.Length;
        var rng = Xoshiro256.ForStream(seed, 0xB007);
        var p = new double[n];
        var o = new double[n];
        var e = new double[n];
        var c = new int[n];
        var z = new double[n];
        var gini = new double[Resamples];
        var deviance = new double[Resamples];
        var share = new double[Resamples];
        for (var b = 0; b < Resamples; b++)
        {
            for (var i = 0; i < n; i++)
            {
                var j = (int)(rng.NextDouble() * n);
                p[i] = predicted[j];
                o[i] = oracle.IsEmpty ? 0 : oracle[j];
                e[i] = exposure[j];
                c[i] = claims[j];
                z[i] = nullFrequency[j];
            }

            var evaluation = ModelEvaluation.Evaluate(model, p, e, c, z);
            gini[b] = evaluation.NormalisedGini;
            deviance[b] = evaluation.MeanDeviance;
            if (!oracle.IsEmpty)
            {
                share[b] = evaluation.NormalisedGini / ModelEvaluation.Evaluate("oracle", o, e, c, z).NormalisedGini;
            }
        }

        return new BootstrapIntervals(model, Interval(gini), Interval(deviance), oracle.IsEmpty ? null : Interval(share));
    }

    private static (double Low, double High) Interval(double[] values)
    {
        Array.Sort(values);
        return (values[(int)(0.025 * (values.Length - 1))], values[(int)Math.Ceiling(0.975 * (values.Length - 1))]);
    }
}
