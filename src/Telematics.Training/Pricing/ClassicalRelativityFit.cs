using System.Globalization;
using System.Text;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using Telematics.Training.Datasets;

namespace Telematics.Training.Pricing;

/// <summary>
/// What a pricing plan needs beside the served model, derived from the data: the mean predicted frequency λ̄ of each
/// classical cell (age band × vehicle class, with coarser cells and the book as fallbacks), and the classical relativities
/// by age band and vehicle class that make the priced book balance — predicted = observed claims — in every age band and
/// vehicle class.
/// </summary>
/// <remarks>
/// <para>
/// The plan prices base rate × age relativity × vehicle relativity × (1 + Z·(λ/λ̄_cell − 1)). Measuring λ against the mean of
/// its own cell keeps the model's signal that merely repeats the cell (young drivers drive at night) from being priced a
/// second time on top of the classical relativities; the classical relativities then carry the whole level of each cell,
/// so a driver with little data (Z near 0) gets the classical price of their cell, which the model alone under-states for
/// under-25s because it deliberately does not read age.
/// </para>
/// <para>
/// Fitted as a Poisson GLM of the claims on age band, vehicle class and region (one-hot, reference levels 40_64, family,
/// suburban) with offset ln(exposure · λ/λ̄_cell), by Newton–Raphson, on the model's out-of-fold predictions so that no
/// driver's own claims shaped the λ it is priced with. Its score equations make the expected claims equal the observed
/// ones in every level: that is the balance. Region enters so the age and vehicle relativities are not confounded with
/// it; the region relativities are reported, not emitted, because the plan's base rates by region are the insurer's own
/// (and its region codes are not the training data's). Relativities are scaled to an exposure-weighted mean of 1 over the
/// book, so pasting them leaves the book's mean premium where the base rates put it. A level without a single claim has
/// no finite relativity: it is not rated (factor 1, the plan's default for a code it does not list) and its drivers are
/// left out of the fit, so the other levels still balance.
/// </para>
/// </remarks>
public sealed partial class ClassicalRelativityFit
{
    /// <summary>Fewest drivers a cell needs for a mean of its own; smaller cells use the next coarser one.</summary>
    /// <value>30: the mean of 30 predicted frequencies is within a few percent of the cell's (the model's spread is about ×2).</value>
    public const int MinCellDrivers = 30;

    private const string RegionReference = "suburban";

    private ClassicalRelativityFit(
        double bookMean,
        Dictionary<string, double> cells,
        Dictionary<string, double> age,
        Dictionary<string, double> vehicle,
        Dictionary<string, double> region,
        List<CellBalance> balance,
        int iterations,
        double baseFrequency)
    {
        BookMeanFrequency = bookMean;
        BaseFrequency = baseFrequency;
        CellMeanFrequency = cells;
        AgeBandRelativities = age;
        VehicleClassRelativities = vehicle;
        RegionRelativities = region;
        Balance = balance;
        Iterations = iterations;
    }

    /// <summary>λ̄ of the book: the exposure-weighted mean predicted frequency.</summary>
    public double BookMeanFrequency { get; }

    /// <summary>λ̄ per cell key <c>*/age_band/vehicle_class</c>, <c>*/age_band/*</c>, <c>*/*/vehicle_class</c>, for cells with at least <see cref="MinCellDrivers"/> drivers.</summary>
    public IReadOnlyDictionary<string, double> CellMeanFrequency { get; }

    /// <summary>Relativity per age band code with claims in the data, exposure-weighted mean 1 (a band without claims is not rated: factor 1).</summary>
    public IReadOnlyDictionary<string, double> AgeBandRelativities { get; }

    /// <summary>Relativity per vehicle class code with claims in the data, exposure-weighted mean 1 (a class without claims is not rated: factor 1).</summary>
    public IReadOnlyDictionary<string, double> VehicleClassRelativities { get; }

    /// <summary>Relativity per region of the training data, exposure-weighted mean 1 (what base rates by region should reflect).</summary>
    public IReadOnlyDictionary<string, double> RegionRelativities { get; }

    /// <summary>Observed against expected claims by age band, vehicle class and region, before and after the correction.</summary>
    public IReadOnlyList<CellBalance> Balance { get; }

    /// <summary>Newton–Raphson iterations the GLM took.</summary>
    public int Iterations { get; }

    /// <summary>
    /// Annual claim frequency the fitted GLM gives a driver whose age, vehicle and region relativities are all 1 and whose λ
    /// equals their cell's mean: the level that base rates price, which turns a corrected price back into expected claims.
    /// </summary>
    public double BaseFrequency { get; }

    /// <summary>
    /// The annual claim frequency the corrected price expects at full credibility: <see cref="BaseFrequency"/> × age, vehicle
    /// and region relativities (1 for a level not rated) × λ / λ̄ of the driver's cell. On the drivers it was fitted on
    /// this sums to the observed claims in every group; on other drivers it is the out-of-sample test of the correction.
    /// </summary>
    /// <param name="factors">The driver's classical factors.</param>
    /// <param name="predicted">The served model's annual frequency for the driver.</param>
    public double PricedFrequency(ClassicalFactors factors, double predicted) =>
        BaseFrequency
        * AgeBandRelativities.GetValueOrDefault(factors.AgeBand.Code(), 1)
        * VehicleClassRelativities.GetValueOrDefault(factors.VehicleClass.Code(), 1)
        * RegionRelativities.GetValueOrDefault(factors.Region, 1)
        * predicted / MeanFrequencyFor(factors);

    /// <summary>Fits the cell means and the classical relativities to <paramref name="predicted"/>, one frequency per driver of <paramref name="data"/>.</summary>
    /// <param name="data">Drivers with classical factors, exposure and claims.</param>
    /// <param name="predicted">The served model's annual frequency per driver (out of fold), each &gt; 0.</param>
    /// <exception cref="InvalidOperationException">The data has no classical factors or no claims.</exception>
    /// <exception cref="ArgumentException">The predictions do not match the drivers or are not positive.</exception>
    public static ClassicalRelativityFit Fit(TrainingDataset data, IReadOnlyList<double> predicted)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(predicted);
        if (!data.HasClassicalFactors)
        {
            throw new InvalidOperationException("Classical relativities need the drivers' classical factors (age band, vehicle class, region).");
        }

        if (predicted.Count != data.Count)
        {
            throw new ArgumentException($"One prediction per driver is needed: {predicted.Count} for {data.Count} drivers.", nameof(predicted));
        }

        var n = data.Count;
        var exposure = data.ExposureYears;
        var claims = data.Claims;
        var factors = new ClassicalFactors[n];
        double book = 0, totalExposure = 0, totalClaims = 0;
        for (var i = 0; i < n; i++)
        {
            if (!(predicted[i] > 0) || !double.IsFinite(predicted[i]))
            {
                throw new ArgumentException($"Driver {data.DriverIds[i]}: predicted frequency {predicted[i]} is not positive.", nameof(predicted));
            }

            factors[i] = data.Classical(i);
            book += exposure[i] * predicted[i];
            totalExposure += exposure[i];
            totalClaims += claims[i];
        }

        if (totalClaims == 0)
        {
            throw new InvalidOperationException("The data has no claims: there is nothing to balance.");
        }

        var cells = CellMeans(factors, exposure, predicted);
        var bookMean = book / totalExposure;
        var offset = new double[n];
        for (var i = 0; i < n; i++)
        {
            offset[i] = Math.Log(exposure[i] * predicted[i] / MeanFor(cells, bookMean, factors[i]));
        }

        var (design, ages, vehicles, regions) = Design(factors, claims);
        // Drivers of a level without claims are left out of the fit, so that they do not shift the reference level's balance.
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            if (claims[i] > 0)
            {
                claimed.UnionWith([$"a:{factors[i].AgeBand.Code()}", $"v:{factors[i].VehicleClass.Code()}", $"r:{factors[i].Region}"]);
            }
        }

        var fitted = new bool[n];
        for (var i = 0; i < n; i++)
        {
            fitted[i] = claimed.Contains($"a:{factors[i].AgeBand.Code()}") && claimed.Contains($"v:{factors[i].VehicleClass.Code()}") && claimed.Contains($"r:{factors[i].Region}");
        }

        var (beta, iterations) = NewtonPoisson(design, offset, claims, fitted);
        var expected = new double[n];
        for (var i = 0; i < n; i++)
        {
            expected[i] = Math.Exp(offset[i] + design.Row(i).DotProduct(beta));
        }

        var (ageRelativities, ageMean) = Normalised(ages, 1, beta, factors.Select(f => f.AgeBand.Code()).ToArray(), claims, exposure);
        var (vehicleRelativities, vehicleMean) = Normalised(vehicles, 1 + ages.Count, beta, factors.Select(f => f.VehicleClass.Code()).ToArray(), claims, exposure);
        var (regionRelativities, regionMean) = Normalised(regions, 1 + ages.Count + vehicles.Count, beta, factors.Select(f => f.Region).ToArray(), claims, exposure);
        // The scaling to mean 1 moved each factor's level into the relativities' divisors: the intercept takes it back.
        var baseFrequency = Math.Exp(beta[0]) * ageMean * vehicleMean * regionMean;

        var balance = new List<CellBalance>();
        balance.AddRange(Balanced("age band", factors.Select(f => f.AgeBand.Code()).ToArray(), exposure, claims, predicted, expected));
        balance.AddRange(Balanced("vehicle class", factors.Select(f => f.VehicleClass.Code()).ToArray(), exposure, claims, predicted, expected));
        balance.AddRange(Balanced("region", factors.Select(f => f.Region).ToArray(), exposure, claims, predicted, expected));
        return new ClassicalRelativityFit(bookMean, cells, ageRelativities, vehicleRelativities, regionRelativities, balance, iterations, baseFrequency);
    }

    /// <summary>The λ̄ a driver with <paramref name="factors"/> is compared with: the most specific cell with a mean of its own, else the book (the pricing plan's lookup for a region without cells).</summary>
    /// <param name="factors">The driver's classical factors.</param>
    public double MeanFrequencyFor(ClassicalFactors factors) => MeanFor(CellMeanFrequency, BookMeanFrequency, factors);

    /// <summary>
    /// The pricing-plan fragment to paste into a <c>telematics_relativity</c> plan: <c>classical_relativities</c> by age
    /// band and vehicle class, and the <c>book_mean_frequency</c> and <c>cell_mean_frequency</c> of the
    /// <c>telematics_relativity</c> block (whose other fields, credibility and caps, the plan's owner keeps).
    /// </summary>
    public string ToPlanFragment()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("classical_relativities");
            WriteTable(json, "age_band", AgeBandRelativities, 4);
            WriteTable(json, "vehicle_class", VehicleClassRelativities, 4);
            json.WriteEndObject();
            json.WriteStartObject("telematics_relativity");
            json.WriteNumber("book_mean_frequency", Math.Round(BookMeanFrequency, 5));
            WriteTable(json, "cell_mean_frequency", CellMeanFrequency, 5);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteTable(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, double> table, int decimals)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in table)
        {
            json.WriteNumber(key, Math.Round(value, decimals));
        }

        json.WriteEndObject();
    }

    private static IEnumerable<CellBalance> Balanced(
        string attribute, string[] groups, ReadOnlySpan<double> exposure, ReadOnlySpan<int> claims, IReadOnlyList<double> predicted, double[] expected)
    {
        var sums = new Dictionary<string, (int Drivers, double Observed, double Model, double Corrected)>(StringComparer.Ordinal);
        for (var i = 0; i < groups.Length; i++)
        {
            var (d, o, m, c) = sums.GetValueOrDefault(groups[i]);
            sums[groups[i]] = (d + 1, o + claims[i], m + (exposure[i] * predicted[i]), c + expected[i]);
        }

        return sums.OrderBy(p => Rank(p.Key)).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new CellBalance(attribute, p.Key, p.Value.Drivers, p.Value.Observed, p.Value.Model, p.Value.Corrected))
            .ToList();
    }

    /// <summary>The fragment's numbers in the invariant culture, for messages.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"book λ̄ {BookMeanFrequency:0.#####}, {CellMeanFrequency.Count} cells, age {string.Join(", ", AgeBandRelativities.Select(p => $"{p.Key} {p.Value:0.###}"))}");
}
