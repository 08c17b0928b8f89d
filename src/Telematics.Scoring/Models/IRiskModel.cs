namespace Telematics.Scoring.Models;

/// <summary>
/// A loaded risk model: scores a batch of rows laid out in the model's bound input order and writes one raw
/// output per row.
/// </summary>
/// <remarks>
/// Implementations are safe to call from many threads at once. The caller owns both buffers; a model keeps no
/// reference to them after <see cref="Score"/> returns. What a raw output means (a probability, a frequency,
/// a linear predictor) is described by the model's package; <see cref="Calibration.ScoreCalibration"/> maps it to 0–100.
/// </remarks>
public interface IRiskModel : IDisposable
{
    /// <summary>Which schema feature feeds each model input, in model input order.</summary>
    ModelInputBinding Binding { get; }

    /// <summary>Scores <c>outputs.Length</c> rows.</summary>
    /// <param name="inputs">Row-major rows × <see cref="ModelInputBinding.Count"/> values in bound input order.</param>
    /// <param name="outputs">Receives one raw output per row; its length is the number of rows.</param>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> is not rows × inputs long.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    /// <exception cref="ModelScoringException">The model's runtime failed or returned an unexpected shape.</exception>
    void Score(ReadOnlySpan<float> inputs, Span<float> outputs);
}
