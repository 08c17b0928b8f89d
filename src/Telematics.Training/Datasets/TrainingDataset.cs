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
    private readonly double[]? _observedDays;

    /// <summary>Creates a dataset; the arrays are taken over, not copied.</summary>
    /// <param name="driverIds">Driver identifiers, one per row.</param>
    /// <param name="features">Row-major telematics@1 features, <c>driverIds.Length × 29</c> values.</param>
    /// <param name="classical">Classical factors per row, or <see langword="null"/> when unknown.</param>
    /// <param name="exposureYears">Years of exposure per row, each &gt; 0.</param>
    /// <param name="claims">Observed claims per row, each ≥ 0.</param>
    /// <param name="trueAnnualFrequency">True λ per row (synthetic data), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">Lengths disagree, or an exposure or claim count is out of range (the message names the driver).</exception>
    public TrainingDataset(string[] driverIds, float[] features, ClassicalFactors[]? classical, double[] exposureYears, int[] claims, double[]? trueAnnualFrequency)
        : this(driverIds, features, classical, exposureYears, claims, trueAnnualFrequency, observedDays: null)
    {
    }

    /// <summary>Creates a dataset that also knows each driver's observation window; the arrays are taken over, not copied.</summary>
    /// <param name="driverIds">Driver identifiers, one per row.</param>
    /// <param name="features">Row-major telematics@1 features, <c>driverIds.Length × 29</c> values.</param>
    /// <param name="classical">Classical factors per row, or <see langword="null"/> when unknown.</param>
    /// <param name="exposureYears">Years of exposure per row, each &gt; 0.</param>
    /// <param name="claims">Observed claims per row, each ≥ 0.</param>
    /// <param name="trueAnnualFrequency">True λ per row (synthetic data), or <see langword="null"/>.</param>
    /// <param name="observedDays">Days each driver's features cover (needed for telematics@2 models), or <see langword="null"/> when unknown.</param>
    /// <exception cref="ArgumentException">Lengths disagree, or a value is out of range (the message names the driver).</exception>
    public TrainingDataset(string[] driverIds, float[] features, ClassicalFactors[]? classical, double[] exposureYears, int[] claims, double[]? trueAnnualFrequency, double[]? observedDays)
    {
        ArgumentNullException.ThrowIfNull(driverIds);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(exposureYears);
        ArgumentNullException.ThrowIfNull(claims);
        var n = driverIds.Length;
        if (features.Length != n * FeatureCount || exposureYears.Length != n || claims.Length != n
            || (classical is not null && classical.Length != n) || (trueAnnualFrequency is not null && trueAnnualFrequency.Length != n)
            || (observedDays is not null && observedDays.Length != n))
        {
            throw new ArgumentException($"Every column must have one value per driver ({n}); features {FeatureCount} per driver.");
        }

        for (var i = 0; i < n; i++)
        {
            if (!(exposureYears[i] > 0) || !double.IsFinite(exposureYears[i]))
            {
                throw new ArgumentException($"Driver {driverIds[i]}: exposure_years must be a positive number, not {exposureYears[i]}.", nameof(exposureYears));
            }

            if (observedDays is not null && !(observedDays[i] >= 1.0 / 24 && double.IsFinite(observedDays[i])))
            {
                throw new ArgumentException($"Driver {driverIds[i]}: observed_days must be a finite number of days, at least one hour, not {observedDays[i]}.", nameof(observedDays));
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
        _observedDays = observedDays;
    }

    /// <summary>Telematics features per driver (29, the telematics@1 schema).</summary>
    public static int FeatureCount => TelematicsFeatures.Schema.Count;

    /// <summary>Number of drivers.</summary>
    public int Count => _driverIds.Length;

    /// <summary>Whether classical factors are known (required by the classical and combined models).</summary>
    public bool HasClassicalFactors => _classical is not null;

    /// <summary>Whether the true claim frequency is known (synthetic data), so the oracle can be evaluated.</summary>
    public bool HasTrueFrequency => _trueFrequency is not null;

    /// <summary>Whether each driver's observation window is known, so that telematics@2 features can be derived.</summary>
    public bool HasObservedDays => _observedDays is not null;

    /// <summary>Days each driver's features cover; empty when unknown.</summary>
    public ReadOnlySpan<double> ObservedDays => _observedDays;

    /// <summary>Writes the telematics@2 features of driver <paramref name="row"/> (see <see cref="TelematicsFeaturesV2.FromV1"/>).</summary>
    /// <param name="row">The driver's row.</param>
    /// <param name="destination">29 values.</param>
    /// <exception cref="InvalidOperationException">The dataset does not know the drivers' observation windows.</exception>
    public void WriteV2Features(int row, Span<float> destination)
    {
        if (_observedDays is null)
        {
            throw new InvalidOperationException("This dataset does not know the drivers' observation windows (observed_days), which telematics@2 features need.");
        }

        TelematicsFeaturesV2.FromV1(Features(row), _observedDays[row], destination);
    }

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

    /// <summary>Observed claims per exposure year over every driver: the constant rate a frequency model must beat.</summary>
    /// <returns>Claims over exposure years (NaN with no exposure).</returns>
    public double ClaimRate()
    {
        double claims = 0, years = 0;
        for (var i = 0; i < Count; i++)
        {
            claims += Claims[i];
            years += ExposureYears[i];
        }

        return claims / years;
    }
}
