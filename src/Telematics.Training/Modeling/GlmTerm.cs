namespace Telematics.Training.Modeling;

/// <summary>
/// One term of a <see cref="MonotonePoissonGlm"/>: <c>Coefficient · t(clip(x))</c>, with a missing value (NaN) read as
/// <see cref="Median"/> and <c>t</c> the factor's <see cref="FactorTransform"/>.
/// </summary>
/// <param name="Factor">The rating factor.</param>
/// <param name="SchemaIndex">Position of the feature in the telematics@2 vector.</param>
/// <param name="Lower">Values below are read as this (the training population's 0.5th percentile).</param>
/// <param name="Upper">Values above are read as this (the 99.5th percentile): the model never extrapolates its shapes.</param>
/// <param name="Median">The training median, used for a missing value.</param>
/// <param name="Coefficient">Change of ln λ per unit of the transformed value.</param>
/// <param name="StandardError">Standard error of <paramref name="Coefficient"/> (from the penalised Fisher information).</param>
public readonly record struct GlmTerm(RatingFactor Factor, int SchemaIndex, double Lower, double Upper, double Median, double Coefficient, double StandardError)
{
    /// <summary>The transformed, clipped value of <paramref name="x"/>.</summary>
    public double Transform(double x)
    {
        var v = double.IsNaN(x) ? Median : Math.Clamp(x, Lower, Upper);
        return Factor.Transform.Apply(v);
    }

    /// <summary>Wald statistic: coefficient over its standard error.</summary>
    public double Z => StandardError > 0 ? Coefficient / StandardError : double.PositiveInfinity;
}

/// <summary>A candidate factor the fit left out, and why (shown in the training report).</summary>
/// <param name="Feature">The feature.</param>
/// <param name="Reason">Why: data quality, no variation, no signal (with its Wald statistic) or the wrong direction.</param>
public readonly record struct DroppedFactor(string Feature, string Reason);
