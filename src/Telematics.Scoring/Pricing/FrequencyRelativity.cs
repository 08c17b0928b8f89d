using System.Collections.Frozen;
using System.Globalization;

namespace Telematics.Scoring.Pricing;

/// <summary>
/// Prices the model's claim frequency as a relativity, the way an actuary rates a factor: the driver's predicted annual
/// frequency over the book's mean frequency, blended with the classical price (factor 1) by Bühlmann credibility on the
/// days of driving observed, then capped (plan JSON <c>telematics_relativity</c>).
/// </summary>
/// <remarks>
/// <para>
/// factor = clamp(1 + Z·(λ/λ̄ − 1), 1 − max discount, 1 + max surcharge), Z = d / (d + K) with d the observed days and K
/// <see cref="CredibilityDays"/>: a driver seen for two days is priced almost classically, one seen for a year mostly on
/// the model. The classical part of the price is the plan's base rate by region and its classical relativities by age
/// band and vehicle class (and mileage bands, when the model does not price distance itself); λ̄ can be given per
/// classical cell so that the relativity measures only how the driver differs from the drivers priced alike.
/// </para>
/// <para>
/// Unlike a score, which is a percentile and throws away how far apart drivers are, the relativity keeps the model's
/// ratios: a driver with half the book's frequency pays half before credibility and caps. Immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class FrequencyRelativity
{
    private readonly FrozenDictionary<string, double> _cellsOnly;
    private readonly FrozenDictionary<string, double> _cells;

    /// <summary>Creates and validates the relativity rule.</summary>
    /// <param name="bookMeanFrequency">λ̄: the book's mean annual claim frequency under the served model, &gt; 0 (the training report's observed frequency, by the balance property; for a live book the mean predicted λ of its drivers).</param>
    /// <param name="credibilityDays">K: observed days at which the model gets half the weight, &gt; 0.</param>
    /// <param name="maxDiscountPercent">Largest discount the relativity may give, 0 to under 100.</param>
    /// <param name="maxSurchargePercent">Largest surcharge it may add, 0–1,000.</param>
    /// <exception cref="PricingPlanException">A value is out of range; the message names the JSON field.</exception>
    public FrequencyRelativity(double bookMeanFrequency, double credibilityDays, decimal maxDiscountPercent, decimal maxSurchargePercent)
        : this(bookMeanFrequency, null, credibilityDays, maxDiscountPercent, maxSurchargePercent)
    {
    }

    /// <summary>Creates and validates the relativity rule with a book mean per region (the classical cell the base rate prices).</summary>
    /// <param name="bookMeanFrequency">λ̄ for regions not listed, &gt; 0.</param>
    /// <param name="regionMeanFrequencies">λ̄ of each region's drivers (codes compared case-insensitively), or null: the relativity is then to the drivers of the same classical cell, so the model's signal that merely repeats the region is not priced twice.</param>
    /// <param name="credibilityDays">K: observed days at which the model gets half the weight, &gt; 0.</param>
    /// <param name="maxDiscountPercent">Largest discount the relativity may give, 0 to under 100.</param>
    /// <param name="maxSurchargePercent">Largest surcharge it may add, 0–1,000.</param>
    /// <exception cref="PricingPlanException">A value is out of range; the message names the JSON field.</exception>
    public FrequencyRelativity(double bookMeanFrequency, IReadOnlyDictionary<string, double>? regionMeanFrequencies, double credibilityDays, decimal maxDiscountPercent, decimal maxSurchargePercent)
        : this(bookMeanFrequency, regionMeanFrequencies, null, credibilityDays, maxDiscountPercent, maxSurchargePercent)
    {
    }

    /// <summary>
    /// Creates and validates the relativity rule with a book mean per classical cell (region × age band × vehicle class),
    /// so that a driver is compared with the drivers priced alike and the model's signal that merely repeats the cell is
    /// not priced a second time on top of the base rate and the classical relativities.
    /// </summary>
    /// <param name="bookMeanFrequency">λ̄ for drivers no listed cell matches, &gt; 0.</param>
    /// <param name="regionMeanFrequencies">λ̄ per region, or null; the same as cells <c>region/*/*</c>.</param>
    /// <param name="cellMeanFrequencies">
    /// λ̄ per cell key <c>region/age_band/vehicle_class</c>, each part a code or <c>*</c> for any (<c>FR-75/under25/small</c>,
    /// <c>*/under25/*</c>), or null. A driver takes the most specific cell listed (<see cref="MeanFrequencyFor(RatingCell, out string)"/>).
    /// </param>
    /// <param name="credibilityDays">K: observed days at which the model gets half the weight, &gt; 0.</param>
    /// <param name="maxDiscountPercent">Largest discount the relativity may give, 0 to under 100.</param>
    /// <param name="maxSurchargePercent">Largest surcharge it may add, 0–1,000.</param>
    /// <exception cref="PricingPlanException">A value or cell key is invalid; the message names the JSON field.</exception>
    public FrequencyRelativity(
        double bookMeanFrequency,
        IReadOnlyDictionary<string, double>? regionMeanFrequencies,
        IReadOnlyDictionary<string, double>? cellMeanFrequencies,
        double credibilityDays,
        decimal maxDiscountPercent,
        decimal maxSurchargePercent)
    {
        RequireFrequency(bookMeanFrequency, "telematics_relativity.book_mean_frequency");
        var regions = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var (region, mean) in regionMeanFrequencies ?? new Dictionary<string, double>())
        {
            // The rule of a cell key's region part: a key that can never match would silently price the region on the book mean.
            if (region.Length == 0 || region == "*" || region.Any(c => char.IsWhiteSpace(c) || c == '/'))
            {
                throw new PricingPlanException($"telematics_relativity.region_mean_frequency.{region}",
                    "is not a region code (not empty, without spaces or '/'; '*' for every region is book_mean_frequency).");
            }

            RequireFrequency(mean, $"telematics_relativity.region_mean_frequency.{region}");
            if (!regions.TryAdd(region, mean))
            {
                throw new PricingPlanException($"telematics_relativity.region_mean_frequency.{region}", "is listed twice (region codes are case-insensitive).");
            }
        }

        RegionMeanFrequencies = regions;
        // Region means are the cells region/*/*: one lookup serves both, and a region given twice is refused.
        var cells = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        var given = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var (region, mean) in regions)
        {
            cells[$"{region}/*/*"] = mean;
        }

        foreach (var (key, mean) in cellMeanFrequencies ?? new Dictionary<string, double>())
        {
            var field = $"telematics_relativity.cell_mean_frequency.{key}";
            CheckCellKey(key, field);
            RequireFrequency(mean, field);
            if (!cells.TryAdd(key, mean))
            {
                throw new PricingPlanException(field, "is given twice (also in region_mean_frequency, or in another case: region codes are case-insensitive).");
            }

            given[key] = mean;
        }

        _cells = cells.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _cellsOnly = given.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

        if (!double.IsFinite(credibilityDays) || credibilityDays <= 0 || credibilityDays > 36_500)
        {
            throw new PricingPlanException("telematics_relativity.credibility_days", $"{Text(credibilityDays)} is outside (0, 36,500] days.");
        }

        if (maxDiscountPercent is < 0 or >= 100)
        {
            throw new PricingPlanException("telematics_relativity.max_discount_percent", $"{maxDiscountPercent} is outside 0 to under 100.");
        }

        if (maxSurchargePercent is < 0 or > 1000)
        {
            throw new PricingPlanException("telematics_relativity.max_surcharge_percent", $"{maxSurchargePercent} is outside 0–1,000.");
        }

        BookMeanFrequency = bookMeanFrequency;
        CredibilityDays = credibilityDays;
        MaxDiscountPercent = maxDiscountPercent;
        MaxSurchargePercent = maxSurchargePercent;
    }

    /// <summary>λ̄, the book's mean annual claim frequency (for regions without their own).</summary>
    public double BookMeanFrequency { get; }

    /// <summary>λ̄ of each region's drivers, where given.</summary>
    public IReadOnlyDictionary<string, double> RegionMeanFrequencies { get; }

    /// <summary>λ̄ per classical cell key (<c>region/age_band/vehicle_class</c>, <c>*</c> for any), as the plan's <c>cell_mean_frequency</c> gives them.</summary>
    public IReadOnlyDictionary<string, double> CellMeanFrequencies => _cellsOnly;

    /// <summary>The mean frequency a driver of <paramref name="region"/> is compared with.</summary>
    public double MeanFrequencyFor(string? region) => MeanFrequencyFor(RatingCell.OfRegion(region), out _);

    /// <summary>
    /// The mean frequency a driver of <paramref name="cell"/> is compared with: the most specific cell the plan lists, by
    /// the number of parts given and, among equals, region before age band before vehicle class —
    /// <c>r/a/v</c>, <c>r/a/*</c>, <c>r/*/v</c>, <c>*/a/v</c>, <c>r/*/*</c>, <c>*/a/*</c>, <c>*/*/v</c> — else the book mean.
    /// </summary>
    /// <param name="cell">The driver's cell; unknown parts match only <c>*</c>.</param>
    /// <param name="source">The key of the cell used, or <c>book</c>.</param>
    public double MeanFrequencyFor(RatingCell cell, out string source)
    {
        if (_cells.Count > 0)
        {
            var r = cell.Region;
            var a = cell.AgeBand;
            var v = cell.VehicleClass;
            foreach (var (region, age, vehicle) in (ReadOnlySpan<(string?, string?, string?)>)
                [(r, a, v), (r, a, "*"), (r, "*", v), ("*", a, v), (r, "*", "*"), ("*", a, "*"), ("*", "*", v)])
            {
                if (region is null || age is null || vehicle is null)
                {
                    continue;
                }

                var key = $"{region}/{age}/{vehicle}";
                if (_cells.TryGetValue(key, out var mean))
                {
                    source = key;
                    return mean;
                }
            }
        }

        source = "book";
        return BookMeanFrequency;
    }

    /// <summary>K, the observed days at which credibility is one half.</summary>
    public double CredibilityDays { get; }

    /// <summary>Largest discount, percent.</summary>
    public decimal MaxDiscountPercent { get; }

    /// <summary>Largest surcharge, percent.</summary>
    public decimal MaxSurchargePercent { get; }

    /// <summary>Bühlmann credibility of <paramref name="observedDays"/> of driving: d / (d + K).</summary>
    public double Credibility(double observedDays) => Math.Max(observedDays, 0) / (Math.Max(observedDays, 0) + CredibilityDays);

    /// <summary>
    /// Multiplies <paramref name="total"/> by the relativity, then moves it to exactly <paramref name="total"/> × the blended
    /// and capped factor, one breakdown step each.
    /// </summary>
    internal decimal Apply(decimal total, ModelFrequency frequency, RatingCell cell, List<PremiumStep> steps)
    {
        var before = total;
        var mean = MeanFrequencyFor(cell, out var source);
        // Limited in double before it becomes a decimal, which an unclipped model output (λ = 1e27) would overflow; past the
        // limit, any driver with credible data (over a millionth of K days) is at the surcharge cap anyway. Kept above zero
        // so that a driver the model gives no risk still has a defined relativity.
        var ratio = Math.Max(frequency.AnnualFrequency, 0) / mean;
        var limited = !(ratio <= MaxRelativity);
        var relativity = Math.Max(Round((decimal)(limited ? MaxRelativity : ratio)), 0.000001m);
        total = before * relativity;
        steps.Add(new PremiumStep("frequency_relativity", PremiumStepKind.Multiply, relativity, total, string.Create(CultureInfo.InvariantCulture,
            $"model frequency {frequency.AnnualFrequency:0.#####} / {(source == "book" ? "book mean" : $"mean of cell {source}")} {mean:0.#####} = {(limited ? string.Create(CultureInfo.InvariantCulture, $"{ratio:0.#####E+0}, limited to the largest relativity priced, {relativity}") : relativity)}")));

        var weight = Math.Clamp(frequency.CredibilityWeight, 0, 1);
        var days = frequency.ObservedDays * weight;
        var z = Credibility(days);
        var blended = Round(1 + ((decimal)z * (relativity - 1)));
        // The credibility and cap steps add the exact amount that takes the total to before × factor: a rounded ratio
        // step (blended / relativity) would leave a capped premium a cent off the cap, and two capped drivers apart.
        if (blended != relativity)
        {
            var amount = (before * blended) - total;
            total = before * blended;
            var counted = weight < 1 ? string.Create(CultureInfo.InvariantCulture, $" × weight {weight:0.##} (data quality, out-of-range inputs) = {days:0.#} days counted") : "";
            steps.Add(new PremiumStep("credibility", PremiumStepKind.Add, amount, total, string.Create(CultureInfo.InvariantCulture,
                $"{frequency.ObservedDays:0.#} observed days{counted}, credibility {z:0.###} = d/(d+{CredibilityDays:0.#}): factor {relativity} blended with the classical 1 → {blended}")));
        }

        var low = 1 - (MaxDiscountPercent / 100m);
        var high = 1 + (MaxSurchargePercent / 100m);
        var capped = Math.Clamp(blended, low, high);
        if (capped != blended)
        {
            var amount = (before * capped) - total;
            total = before * capped;
            steps.Add(new PremiumStep("relativity_cap", PremiumStepKind.Add, amount, total, string.Create(CultureInfo.InvariantCulture,
                $"factor {blended} limited to {low}–{high} (at most {MaxDiscountPercent} % off, {MaxSurchargePercent} % on)")));
        }

        return total;
    }

    private static void CheckCellKey(string key, string field)
    {
        var parts = key.Split('/');
        if (parts.Length != 3)
        {
            throw new PricingPlanException(field, "is not a cell key region/age_band/vehicle_class (each a code or *), such as FR-75/under25/small or */under25/*.");
        }

        if (parts[0].Length == 0 || parts[0].Any(char.IsWhiteSpace))
        {
            throw new PricingPlanException(field, "the region part must be a region code or *.");
        }

        if (parts[1] != "*" && !RatingFactorCodes.IsAgeBand(parts[1]))
        {
            throw new PricingPlanException(field, $"'{parts[1]}' is not an age band ({string.Join(", ", RatingFactorCodes.AgeBands)}) or *.");
        }

        if (parts[2] != "*" && !RatingFactorCodes.IsVehicleClass(parts[2]))
        {
            throw new PricingPlanException(field, $"'{parts[2]}' is not a vehicle class ({string.Join(", ", RatingFactorCodes.VehicleClasses)}) or *.");
        }

        if (parts is ["*", "*", "*"])
        {
            throw new PricingPlanException(field, "is the whole book: give it as book_mean_frequency.");
        }
    }

    private static void RequireFrequency(double value, string field)
    {
        if (!double.IsFinite(value) || value <= 0 || value > 10)
        {
            throw new PricingPlanException(field, $"{Text(value)} is not a claim frequency in (0, 10] per year.");
        }
    }

    /// <summary>The largest relativity priced; a model frequency further above the mean is priced as this.</summary>
    internal const double MaxRelativity = 1e9;

    private static decimal Round(decimal factor) => decimal.Round(factor, RiskMultiplier.FactorDecimals, MidpointRounding.AwayFromZero);

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What a frequency model says about a driver, for <see cref="FrequencyRelativity"/> pricing.</summary>
/// <param name="AnnualFrequency">Predicted claims per year (the raw output of a model whose output kind is frequency), ≥ 0.</param>
/// <param name="ObservedDays">Days of driving the prediction rests on, ≥ 0.</param>
public readonly record struct ModelFrequency(double AnnualFrequency, double ObservedDays)
{
    /// <summary>
    /// Share of <see cref="ObservedDays"/> that counts toward credibility, 0–1 (default 1): lowered by poor data quality and
    /// by inputs outside the model's training ranges (<see cref="Results.DataQuality.CredibilityWeight"/>).
    /// </summary>
    public double CredibilityWeight { get; init; } = 1;

    /// <summary>
    /// What the model's raw output is (default <see cref="Packaging.ModelOutputKind.Frequency"/>). A relativity plan
    /// refuses anything else rather than price a probability or a score as if it were a frequency (a model promoted
    /// after the plan was checked).
    /// </summary>
    public Packaging.ModelOutputKind OutputKind { get; init; } = Packaging.ModelOutputKind.Frequency;

    /// <summary>The model that produced the output, for messages; may be null.</summary>
    public string? Model { get; init; }

    /// <summary>
    /// The features the model version that produced the output reads, or null when not known: when given, a quote checks
    /// the whole plan fit for that version (<see cref="PricingPlan.EnsureFits(string, Packaging.ModelOutputKind, IReadOnlyList{string})"/>), not only its output kind.
    /// </summary>
    public IReadOnlyList<string>? ModelFeatures { get; init; }

    /// <summary>The frequency of a score: its raw output, the days, and the weight its data quality and out-of-range share earn.</summary>
    /// <param name="score">A score from a model whose raw output is a frequency.</param>
    /// <param name="features">The driver's telematics@1 vector (for the data-quality grade).</param>
    /// <param name="observedDays">Days of driving the score rests on.</param>
    public static ModelFrequency Of(Results.RiskScore score, ReadOnlySpan<float> features, double observedDays)
    {
        ArgumentNullException.ThrowIfNull(score);
        return new ModelFrequency(score.RawOutput, observedDays)
        {
            CredibilityWeight = Results.DataQuality.CredibilityWeight(Results.DataQuality.Grade(features), score.OutOfRangeShare),
            OutputKind = score.OutputKind,
            Model = $"{score.ModelName}@{score.ModelVersion}",
            ModelFeatures = score.ModelFeatures,
        };
    }
}
