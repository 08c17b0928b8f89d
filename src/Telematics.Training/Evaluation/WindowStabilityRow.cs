using Telematics.Training.Modeling;

namespace Telematics.Training.Evaluation;

/// <summary>One window of <see cref="WindowStability"/>.</summary>
/// <param name="Days">Days observed.</param>
/// <param name="MeanRelativity">Mean predicted frequency over this window / over the longest: 1 when the score does not depend on the window.</param>
/// <param name="SameCategoryShare">Share of drivers in the same risk category as over the longest window.</param>
/// <param name="MeanAbsScoreChange">Mean |score − score over the longest window|, points.</param>
/// <param name="Persistence">
/// The slope of the longest window's relativity on this window's: the share of an n-day deviation from the book mean that
/// persists. The windows are prefixes of the longest, so their noise overlaps; 1 at the longest by construction.
/// </param>
/// <param name="Credibility">
/// Empirical credibility: the slope of the true relativity (true λ without the classical factors, over its mean) on this
/// window's predicted relativity — the Z that makes 1 + Z·(r − 1) the best linear estimate of the truth.
/// </param>
public sealed record WindowStabilityRow(int Days, double MeanRelativity, double SameCategoryShare, double MeanAbsScoreChange, double Persistence, double Credibility)
{
    /// <summary>
    /// Empirical credibility within the plan's cells (age band × vehicle class): the slope of the true relativity on the
    /// predicted one, both over their cell's mean — the Z of 1 + Z·(λ/λ̄_cell − 1), what a relativity plan prices. It
    /// leaves out the differences between cells that <see cref="Credibility"/> also credits. NaN when not measured.
    /// </summary>
    public double CellCredibility { get; init; } = double.NaN;

    /// <summary>
    /// Share of drivers whose ln λ changes from this window to the longest by no more than the 90 % band the fitted
    /// <see cref="WindowStability.SamplingNoise"/> implies for their trips: about 0.9 when the noise model holds. NaN for
    /// the longest window, or when no noise was fitted.
    /// </summary>
    public double NoiseBandShare { get; init; } = double.NaN;

    /// <summary>Share of drivers whose score interval over this window lies in one category (Telematics.Scoring's <c>ScoreInterval.SettlesCategory</c>); NaN when no noise was fitted.</summary>
    public double SettledShare { get; init; } = double.NaN;

    /// <summary>Of the drivers with a settled category over this window, the share in the same category over the longest; NaN when none.</summary>
    public double SettledSameCategoryShare { get; init; } = double.NaN;
}

/// <summary>How well the shortest window of <see cref="WindowStability"/> measures one feature.</summary>
/// <param name="Feature">The telematics@2 feature.</param>
/// <param name="Role">Rating factor or road context.</param>
/// <param name="InModel">Whether the packaged model reads it.</param>
/// <param name="Correlation">
/// Pearson correlation, over the drivers, of the feature (as the frequency model transforms it) over the shortest window
/// with its value over the longest: near 1 when a short window already measures the habit, low when it is mostly noise.
/// NaN when the feature does not vary.
/// </param>
public sealed record FactorReliability(string Feature, FactorRole Role, bool InModel, double Correlation);
