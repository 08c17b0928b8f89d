using Telematics.Features.Schema;

namespace Telematics.Training.Datasets;

/// <summary>
/// One row per driver: the telematics@1 feature vector over the observed period, optional classical factors,
/// years of exposure, observed claims and, for synthetic data, the true annual claim frequency (the oracle).
/// </summary>
/// <remarks>
/// Features are stored row-major in one array (<see cref="FeatureCount"/> floats per driver; NaN = missing).
/// Immutable after construction and safe to read from several threads.
/// </remarks>
public sealed class TrainingDataset
{
    private readonly float[] _features;
    private readonly ClassicalFactors[]? _classical;
    private readonly double[] _exposure;
    private readonly int[] _claims;
    private readonly double[]? _trueFrequency;
    private readonly string[] _driverIds;

    /// <summary>Creates a dataset; the arrays are taken over, not copied.</summary>
    /// <param name="driverIds">Driver identifiers, one per row.</param>
    /// <param name="features">Row-major telematics@1 features, <c>driverIds.Length × 29</c> values.</param>
    /// <param name="classical">Classical factors per row, or <see langword="null"/> when unknown.</param>
    /// <param name="exposureYears">Years of exposure per row, each &gt; 0.</param>
    /// <param name="claims">Observed claims per row, each ≥ 0.</param>
    /// <param name="trueAnnualFrequency">True λ per row (synthetic data), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">Lengths disagree, or an exposure or claim count is out of range (the message names the driver).</exception>
    public TrainingDataset(string[] driverIds, float[] features, ClassicalFactors[]? classical, double[] exposureYears, int[] claims, double[]? trueAnnualFrequency)
    {
        ArgumentNullException.ThrowIfNull(driverIds);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(exposureYears);
        ArgumentNullException.ThrowIfNull(claims);
        var n = driverIds.Length;
        if (features.Length != n * FeatureCount || exposureYears.Length != n || claims.Length != n
            || (classical is not null && classical.Length != n) || (trueAnnualFrequency is not null && trueAnnualFrequency.Length != n))
        {
            throw new ArgumentException($"Every column must have one value per driver ({n}); features {FeatureCount} per driver.");
        }

        for (var i = 0; i < n; i++)
        {
            if (!(exposureYears[i] > 0) || !double.IsFinite(exposureYears[i]))
            {
                throw new ArgumentException($"Driver {driverIds[i]}: exposure_years must be a positive number, not {exposureYears[i]}.", nameof(exposureYears));
            }

            if (claims[i] < 0)
            {
                throw new ArgumentException($"Driver {driverIds[i]}: claims must be ≥ 0, not {claims[i]}.", nameof(claims));
            }
        }

        _driverIds = driverIds;
        _features = features;
        _classical = classical;
        _exposure = exposureYears;
        _claims = claims;
        _trueFrequency = trueAnnualFrequency;
    }

    /// <summary>Telematics features per driver (29, the telematics@1 schema).</summary>
    public static int FeatureCount => TelematicsFeatures.Schema.Count;

    /// <summary>Number of drivers.</summary>
    public int Count => _driverIds.Length;

    /// <summary>Whether classical factors are known (required by the classical and combined models).</summary>
    public bool HasClassicalFactors => _classical is not null;

    /// <summary>Whether the true claim frequency is known (synthetic data), so the oracle can be evaluated.</summary>
    public bool HasTrueFrequency => _trueFrequency is not null;

    /// <summary>Driver identifiers.</summary>
    public IReadOnlyList<string> DriverIds => _driverIds;

    /// <summary>Years of exposure per driver.</summary>
    public ReadOnlySpan<double> ExposureYears => _exposure;

    /// <summary>Observed claims per driver.</summary>
    public ReadOnlySpan<int> Claims => _claims;

    /// <summary>True annual claim frequency per driver; empty when unknown.</summary>
    public ReadOnlySpan<double> TrueAnnualFrequency => _trueFrequency;

    /// <summary>All features, row-major.</summary>
    public ReadOnlySpan<float> AllFeatures => _features;

    /// <summary>The telematics features of driver <paramref name="row"/>, in schema order.</summary>
    public ReadOnlySpan<float> Features(int row) => _features.AsSpan(row * FeatureCount, FeatureCount);

    /// <summary>The classical factors of driver <paramref name="row"/>.</summary>
    /// <exception cref="InvalidOperationException">The dataset has no classical factors.</exception>
    public ClassicalFactors Classical(int row) =>
        _classical is null ? throw new InvalidOperationException("This dataset has no classical factors.") : _classical[row];
}
