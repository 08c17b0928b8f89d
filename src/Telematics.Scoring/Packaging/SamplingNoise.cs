using Telematics.Features.Schema;
using Telematics.Scoring.Calibration;
using Telematics.Scoring.Results;

namespace Telematics.Scoring.Packaging;

/// <summary>
/// How much a frequency model's prediction moves with the sample of trips it rests on (manifest <c>sampling_noise</c>):
/// over n trips, ln(predicted frequency) differs from the driver's long-run value by a standard deviation of
/// <see cref="PerTripSd"/> / √n. It gives each score a <see cref="ScoreInterval"/>, so a week of data is served with the
/// width a week deserves.
/// </summary>
/// <remarks>
/// Trips rather than days, because the noise comes from which trips were sampled: a driver with two trips in a week is
/// measured far worse than one with twenty. `telematics train` fits the figure on drivers simulated over nested windows
/// (<c>WindowStability</c> in Telematics.Training) and checks that the bands it implies hold about 90 % of them.
/// </remarks>
public sealed class SamplingNoise
{
    /// <summary>The level of the intervals scores carry.</summary>
    public const double Level = 0.9;

    /// <summary>The manifest's only unit: noise per trip.</summary>
    public const string PerTrip = "trip";

    // The standard normal quantile of (1 + Level) / 2.
    private const double Z = 1.6448536269514722;

    private static readonly int TripCountIndex = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.TripCount);

    /// <summary>Creates the noise of a model whose ln-frequency has standard deviation <paramref name="perTripSd"/> over one trip.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="perTripSd"/> is not a positive finite number.</exception>
    public SamplingNoise(double perTripSd)
    {
        if (!double.IsFinite(perTripSd) || perTripSd <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(perTripSd), perTripSd, "The sampling noise per trip must be a positive, finite standard deviation.");
        }

        PerTripSd = perTripSd;
    }

    /// <summary>Standard deviation of ln(predicted frequency) over a single trip.</summary>
    public double PerTripSd { get; }

    /// <summary>Half the width, in ln(frequency), of the <see cref="Level"/> interval over <paramref name="trips"/> trips; infinite under one trip.</summary>
    public double HalfWidth(double trips) => trips >= 1 ? Z * PerTripSd / Math.Sqrt(trips) : double.PositiveInfinity;

    /// <summary>
    /// The interval of the score of predicted frequency <paramref name="frequency"/> resting on <paramref name="trips"/>
    /// trips: the ends of ln(frequency) ± <see cref="HalfWidth"/> through <paramref name="calibration"/>, which is
    /// non-decreasing. Under one trip the interval is the whole scale.
    /// </summary>
    public ScoreInterval Interval(ScoreCalibration calibration, double frequency, double trips)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        var half = HalfWidth(trips);
        if (double.IsPositiveInfinity(half) || !(frequency > 0))
        {
            return new ScoreInterval(0, 100, Level);
        }

        // One exponential for both ends: e^−h = 1 / e^h.
        var factor = Math.Exp(half);
        return new ScoreInterval(calibration.ToScore(frequency / factor), calibration.ToScore(frequency * factor), Level);
    }

    /// <summary>
    /// The interval of a score computed from <paramref name="features"/>, the caller's telematics@1 vector whose
    /// <c>trip_count</c> says how many trips it rests on; null when the vector is not v1 or the count is missing.
    /// </summary>
    internal ScoreInterval? Interval(ScoreCalibration calibration, double frequency, ReadOnlySpan<float> features)
    {
        if (features.Length != TelematicsFeatures.Schema.Count || float.IsNaN(features[TripCountIndex]))
        {
            return null;
        }

        return Interval(calibration, frequency, features[TripCountIndex]);
    }

    /// <summary>Reads the manifest's block; null when it has none.</summary>
    /// <exception cref="ModelPackageException">The block is on a model that does not predict a frequency from telematics features, or its unit or figure is wrong.</exception>
    internal static SamplingNoise? Read(ModelManifest.NoiseSpec? spec, ModelOutputKind outputKind, FeatureSchema schema, string id)
    {
        if (spec is null)
        {
            return null;
        }

        if (outputKind != ModelOutputKind.Frequency)
        {
            throw new ModelPackageException($"Package {id}: sampling_noise is on the log of a predicted frequency, but output.kind is {outputKind.ToString().ToLowerInvariant()}.");
        }

        if (schema.Name != TelematicsFeatures.SchemaName)
        {
            throw new ModelPackageException($"Package {id}: sampling_noise counts the driver's trips, which feature schema {schema} does not carry.");
        }

        if (spec.Per != PerTrip)
        {
            throw new ModelPackageException($"Package {id}: sampling_noise.per must be '{PerTrip}', not '{spec.Per}'.");
        }

        if (spec.Sd is not { } sd || !double.IsFinite(sd) || sd <= 0)
        {
            throw new ModelPackageException($"Package {id}: sampling_noise.sd must be a positive, finite standard deviation.");
        }

        return new SamplingNoise(sd);
    }
}
