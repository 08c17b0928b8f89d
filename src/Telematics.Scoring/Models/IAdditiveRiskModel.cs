namespace Telematics.Scoring.Models;

/// <summary>
/// A model whose raw output is its value at the reference row plus one term per input, each zero at the
/// reference; contributions can then be exact.
/// </summary>
internal interface IAdditiveRiskModel : IRiskModel
{
    /// <summary>Writes each input's term for one row (model input order) and returns the raw output.</summary>
    double ComputeTerms(ReadOnlySpan<float> row, Span<double> terms);

    /// <summary>
    /// The raw output of one row in double precision, the same sum <see cref="ComputeTerms"/> returns: every scoring
    /// path (one driver, a batch, with or without contributions) reads it, so they agree to the last bit.
    /// </summary>
    double Raw(ReadOnlySpan<float> row);
}
