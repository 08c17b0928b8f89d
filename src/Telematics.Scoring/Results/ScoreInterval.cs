namespace Telematics.Scoring.Results;

/// <summary>
/// Where a driver's long-run score lies, given how little driving the score rests on: a week of trips measures habits
/// with noise that a quarter averages out (<see cref="Packaging.SamplingNoise"/>).
/// </summary>
/// <param name="Low">Lower end, 0–100.</param>
/// <param name="High">Upper end, 0–100, at or above <paramref name="Low"/>.</param>
/// <param name="Level">Probability that the long-run score lies between the ends, for example 0.9.</param>
public readonly record struct ScoreInterval(double Low, double High, double Level)
{
    /// <summary>The band of <see cref="Low"/>.</summary>
    public RiskCategory LowCategory => RiskCategories.FromScore(Low);

    /// <summary>The band of <see cref="High"/>.</summary>
    public RiskCategory HighCategory => RiskCategories.FromScore(High);

    /// <summary>
    /// Whether the whole interval lies in one band: more driving is then unlikely to move the driver to another category.
    /// Otherwise the category is provisional and may become any from <see cref="LowCategory"/> to <see cref="HighCategory"/>.
    /// </summary>
    public bool SettlesCategory => LowCategory == HighCategory;
}
