using System.Globalization;
using Telematics.Training.Synthetic;

namespace Telematics.Training.Datasets;

/// <summary>
/// Reads a labels CSV and joins it to drivers' feature vectors into a <see cref="TrainingDataset"/>.
/// </summary>
/// <remarks>
/// Header required; columns by name, any order, extra columns ignored (so <c>telematics synth</c>'s
/// <c>drivers.csv</c> is a labels file as it is):
/// <list type="bullet">
/// <item><c>driver_id</c>, <c>exposure_years</c> (&gt; 0), <c>claims</c> (integer ≥ 0): required.</item>
/// <item><c>true_lambda</c> (&gt; 0): optional true annual frequency (synthetic data), enables the oracle.</item>
/// <item><c>age_band</c> (Under25, From25To39, From40To64, Over65), <c>region</c> (urban, suburban, rural),
/// <c>vehicle_class</c> (Small, Family, Suv, Performance), <c>annual_km</c> (&gt; 0): optional, all four or none; they enable
/// the classical and combined models.</item>
/// </list>
/// Plain comma-separated values without quoting. Errors name the file, line and column.
/// </remarks>
public static class LabelsFile
{
    /// <summary>Reads <paramref name="labelsPath"/> and joins it, by driver id, to <paramref name="features"/>.</summary>
    /// <param name="labelsPath">The labels CSV.</param>
    /// <param name="features">Drivers' telematics@1 vectors (29 values each, NaN = missing), for example from a feature CSV.</param>
    /// <returns>One row per driver with features, in the order of <paramref name="features"/>.</returns>
    /// <exception cref="InvalidDataException">A column is missing or a value is invalid (the message names line and column), a driver has features but no labels, or features twice.</exception>
    public static TrainingDataset Join(string labelsPath, IReadOnlyList<(string DriverId, float[] Features)> features) =>
        Join(labelsPath, features, observedDays: null);

    /// <summary>
    /// Reads <paramref name="labelsPath"/> and joins it, by driver id, to <paramref name="features"/> and the days each
    /// driver's features cover, so that the window-invariant telematics@2 model can be trained on them.
    /// </summary>
    /// <param name="labelsPath">The labels CSV.</param>
    /// <param name="features">Drivers' telematics@1 vectors (29 values each, NaN = missing), for example from a feature CSV.</param>
    /// <param name="observedDays">Days each driver's features cover, in the order of <paramref name="features"/>; null when unknown.</param>
    /// <returns>One row per driver with features, in the order of <paramref name="features"/>.</returns>
    /// <exception cref="InvalidDataException">A column is missing or a value is invalid (the message names line and column), a driver has features but no labels, or features twice.</exception>
    /// <exception cref="ArgumentException"><paramref name="observedDays"/> does not have one value per driver, or a value is not a valid window.</exception>
    public static TrainingDataset Join(string labelsPath, IReadOnlyList<(string DriverId, float[] Features)> features, double[]? observedDays)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (observedDays is not null && observedDays.Length != features.Count)
        {
            throw new ArgumentException($"{observedDays.Length} observed days for {features.Count} drivers; give one per driver.", nameof(observedDays));
        }

        var labels = Read(labelsPath);
        var n = features.Count;
        var ids = new string[n];
        var matrix = new float[n * TrainingDataset.FeatureCount];
        var exposure = new double[n];
        var claims = new int[n];
        var hasClassical = true;
        var hasLambda = true;
        foreach (var label in labels.Values)
        {
            hasClassical &= label.Classical is not null;
            hasLambda &= !double.IsNaN(label.TrueLambda);
        }

        // A driver twice would be split across folds (trained on and tested on) and weigh twice in a fit.
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            if (!seen.TryAdd(features[i].DriverId, i))
            {
                throw new InvalidDataException($"Driver '{features[i].DriverId}' has features twice (rows {seen[features[i].DriverId] + 1} and {i + 1}); give each driver one row.");
            }
        }

        var classical = hasClassical ? new ClassicalFactors[n] : null;
        var lambda = hasLambda ? new double[n] : null;
        for (var i = 0; i < n; i++)
        {
            var (id, vector) = features[i];
            if (vector.Length != TrainingDataset.FeatureCount)
            {
                throw new InvalidDataException($"Driver {id}: {vector.Length} features, telematics@1 has {TrainingDataset.FeatureCount}.");
            }

            if (!labels.TryGetValue(id, out var label))
            {
                throw new InvalidDataException($"{labelsPath}: driver '{id}' has features but no line in the labels file.");
            }

            ids[i] = id;
            vector.CopyTo(matrix, i * TrainingDataset.FeatureCount);
            exposure[i] = label.ExposureYears;
            claims[i] = label.Claims;
            if (classical is not null)
            {
                classical[i] = label.Classical!.Value;
            }

            if (lambda is not null)
            {
                lambda[i] = label.TrueLambda;
            }
        }

        // Copied: the dataset takes its arrays over, and the caller's must not change it afterwards.
        return new TrainingDataset(ids, matrix, classical, exposure, claims, lambda, observedDays is null ? null : [.. observedDays]);
    }

    private static Dictionary<string, Label> Read(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new InvalidDataException($"{path} line 1: the file is empty; expected a header with driver_id, exposure_years and claims.");
        var columns = header.Split(',');
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < columns.Length; c++)
        {
            index[columns[c].Trim()] = c;
        }

        int Column(string name) => index.TryGetValue(name, out var c) ? c : throw new InvalidDataException($"{path} line 1: no column '{name}'.");
        var idColumn = Column("driver_id");
        var exposureColumn = Column("exposure_years");
        var claimsColumn = Column("claims");
        var lambdaColumn = index.GetValueOrDefault("true_lambda", -1);
        string[] classicalNames = ["age_band", "region", "vehicle_class", "annual_km"];
        var present = classicalNames.Count(index.ContainsKey);
        if (present is not (0 or 4))
        {
            throw new InvalidDataException($"{path} line 1: classical factors need all of {string.Join(", ", classicalNames)} or none.");
        }

        var labels = new Dictionary<string, Label>(StringComparer.Ordinal);
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var cells = line.Split(',');
            if (cells.Length != columns.Length)
            {
                throw new InvalidDataException($"{path} line {lineNumber}: {cells.Length} cells, the header has {columns.Length}.");
            }

            string Cell(int c) => cells[c].Trim();
            double Number(string name, int c) => double.TryParse(Cell(c), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v : throw new InvalidDataException($"{path} line {lineNumber}, column '{name}': '{Cell(c)}' is not a number.");

            var id = Cell(idColumn);
            var exposure = Number("exposure_years", exposureColumn);
            if (!(exposure > 0) || !double.IsFinite(exposure))
            {
                throw new InvalidDataException($"{path} line {lineNumber}, column 'exposure_years': must be a positive number, not '{Cell(exposureColumn)}'.");
            }

            if (!int.TryParse(Cell(claimsColumn), NumberStyles.None, CultureInfo.InvariantCulture, out var claims))
            {
                throw new InvalidDataException($"{path} line {lineNumber}, column 'claims': '{Cell(claimsColumn)}' is not a whole number ≥ 0.");
            }

            // Positive and finite, checked here by line: NaN parses, and a bad value found later could name only a row index.
            double Positive(string name, int c) => Number(name, c) is var v && v > 0 && double.IsFinite(v)
                ? v : throw new InvalidDataException($"{path} line {lineNumber}, column '{name}': must be a positive number, not '{Cell(c)}'.");

            var lambda = lambdaColumn >= 0 ? Positive("true_lambda", lambdaColumn) : double.NaN;
            ClassicalFactors? classical = null;
            if (present == 4)
            {
                classical = new ClassicalFactors(
                    Parse<AgeBand>(Cell(index["age_band"]), "age_band", path, lineNumber),
                    ParseRegion(Cell(index["region"]), path, lineNumber),
                    Parse<VehicleClass>(Cell(index["vehicle_class"]), "vehicle_class", path, lineNumber),
                    Positive("annual_km", index["annual_km"]));
            }

            if (!labels.TryAdd(id, new Label(exposure, claims, lambda, classical)))
            {
                throw new InvalidDataException($"{path} line {lineNumber}: driver '{id}' appears twice.");
            }
        }

        return labels;
    }

    private static T Parse<T>(string value, string column, string path, int line)
        where T : struct, Enum =>
        Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _)
            ? parsed
            : throw new InvalidDataException($"{path} line {line}, column '{column}': '{value}' is not one of {string.Join(", ", Enum.GetNames<T>())}.");

    private static string ParseRegion(string value, string path, int line) => value is "urban" or "suburban" or "rural"
        ? value
        : throw new InvalidDataException($"{path} line {line}, column 'region': '{value}' is not one of urban, suburban, rural.");

    private readonly record struct Label(double ExposureYears, int Claims, double TrueLambda, ClassicalFactors? Classical);
}
