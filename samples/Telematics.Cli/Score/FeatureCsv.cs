using System.Globalization;
using Telematics.Cli.Output;
using Telematics.Features.Schema;
using Telematics.Scoring.Batch;

namespace Telematics.Cli.Score;

/// <summary>
/// Reads driver feature vectors from a CSV: header <c>driver_id</c> plus schema feature names (any order),
/// one driver per line, comma-separated (a cell with a comma or quote, such as a driver id, quoted as <c>telematics
/// features</c> writes it; any cell or column name may be quoted, as pandas' <c>QUOTE_ALL</c> writes them); an empty cell is a missing value (NaN), and a
/// value that is not a finite number (<c>NaN</c>, <c>Infinity</c>, <c>1e39</c>) is refused.
/// An optional <c>observed_days</c> column gives each driver's observation window (else <c>--period-days</c>, else, in the
/// table <c>telematics features</c> writes, the whole days its driver row spans, as <c>score --input</c> takes them).
/// The table <c>telematics features</c> writes (header <c>kind,driver_id,trip,start_utc,end_utc,samples,…</c>) is read
/// too: its <c>driver</c> rows are the drivers, its <c>trip</c> rows and trip columns are left out, and a repeated header
/// line (several such files joined with <c>cat</c>) is skipped.
/// </summary>
internal static class FeatureCsv
{
    /// <summary>The column holding a driver's observation window, days.</summary>
    public const string ObservedDaysColumn = "observed_days";

    // The columns of `telematics features` that describe a row rather than hold a feature.
    private static readonly string[] TableColumns = ["trip", "start_utc", "end_utc", "samples"];

    public static List<DriverFeatures> Read(string path, FeatureSchema schema, TextWriter warnings, double? defaultObservedDays) =>
        ReadRows(path, schema, warnings, defaultObservedDays, tableWindows: true).ConvertAll(row => row.Driver);

    /// <summary>Like <see cref="Read"/>, with the line each driver was read from, for messages about the rows together.</summary>
    /// <param name="tableWindows">
    /// Whether a table's driver row without another window gets the days it spans (scoring, as <c>score --input</c>);
    /// training keeps to an explicit <c>observed_days</c> column, which decides the model it packages.
    /// </param>
    public static List<FeatureRow> ReadRows(string path, FeatureSchema schema, TextWriter warnings, double? defaultObservedDays, bool tableWindows = false)
    {
        using var stream = File.OpenRead(path);
        return ReadRows(stream, path, schema, warnings, defaultObservedDays, tableWindows);
    }

    /// <summary>Like <see cref="ReadRows(string, FeatureSchema, TextWriter, double?, bool)"/>, from a stream read to its end; <paramref name="path"/> names it in messages.</summary>
    public static List<FeatureRow> ReadRows(Stream stream, string path, FeatureSchema schema, TextWriter warnings, double? defaultObservedDays, bool tableWindows = false)
    {
        using var reader = new StreamReader(stream, leaveOpen: true);
        var header = reader.ReadLine() ?? throw new InvalidDataException($"{path} line 1: the file is empty; expected a header 'driver_id,<features>'.");
        // Split as the rows are: pandas with quoting=QUOTE_ALL quotes the header's names too.
        if (!CsvText.TrySplit(header, out var headerCells, out var malformedHeader))
        {
            throw new InvalidDataException($"{path} line 1: {malformedHeader}.");
        }

        var columns = headerCells.ToArray();
        var table = columns.Length > 1 && columns[0].Trim() == "kind" && columns[1].Trim() == "driver_id";
        if (!table && columns[0].Trim() != "driver_id")
        {
            throw new InvalidDataException($"{path} line 1: the first column must be 'driver_id' (or 'kind,driver_id' as `telematics features` writes), not '{columns[0]}'.");
        }

        var idColumn = table ? 1 : 0;
        var (startColumn, endColumn) = table && tableWindows ? (Array.IndexOf(columns, "start_utc"), Array.IndexOf(columns, "end_utc")) : (-1, -1);
        var map = new int[columns.Length];
        var daysColumn = -1;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var c = idColumn + 1; c < columns.Length; c++)
        {
            var name = columns[c].Trim();
            if (!seen.Add(name))
            {
                throw new InvalidDataException($"{path} line 1: column '{name}' appears twice.");
            }

            if (name == ObservedDaysColumn)
            {
                map[c] = -1;
                daysColumn = c;
            }
            else if (schema.TryGetIndex(name, out var index))
            {
                map[c] = index;
            }
            else
            {
                map[c] = -1;
                if (TelematicsFeaturesV2.Schema.TryGetIndex(name, out var rate) && !TelematicsFeatures.Schema.TryGetIndex(name, out _))
                {
                    // A telematics@2 rate: the file holds telematics@1 totals, from which (and each driver's window) it is derived.
                    warnings.WriteLine($"warning: {path}: column '{name}' is a {TelematicsFeaturesV2.Schema} rate and is ignored: a features CSV gives it as the {schema} total '{schema.Features[rate].Name}' with each driver's window (observed_days), from which it is derived.");
                }
                else if (!table || !TableColumns.Contains(name))
                {
                    warnings.WriteLine($"warning: {path}: column '{name}' is not a feature of {schema} and is ignored.");
                }
            }
        }

        foreach (var feature in schema.Features)
        {
            if (!seen.Contains(feature.Name))
            {
                warnings.WriteLine($"warning: {path}: no column '{feature.Name}'; it is scored as missing.");
            }
        }

        var drivers = new List<FeatureRow>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || (table && line == header))
            {
                continue;
            }

            if (!CsvText.TrySplit(line, out var cells, out var malformed))
            {
                throw new InvalidDataException($"{path} line {lineNumber}: {malformed}.");
            }

            if (cells.Count != columns.Length)
            {
                throw new InvalidDataException($"{path} line {lineNumber}: {cells.Count} cells, the header has {columns.Length}.");
            }

            if (table)
            {
                if (cells[0] == "trip")
                {
                    continue;
                }

                if (cells[0] != "driver")
                {
                    throw new InvalidDataException($"{path} line {lineNumber}, column 'kind': '{cells[0]}' is neither 'driver' nor 'trip'.");
                }
            }

            var vector = new float[schema.Count];
            vector.AsSpan().Fill(float.NaN);
            for (var c = idColumn + 1; c < cells.Count; c++)
            {
                if (map[c] < 0 || cells[c].Length == 0)
                {
                    continue;
                }

                if (!float.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    throw new InvalidDataException($"{path} line {lineNumber}, column '{columns[c]}': '{cells[c]}' is not a number.");
                }

                // 1e39 parses as +∞ and "NaN" as NaN: neither is a measurement (a missing value is an empty cell).
                if (!float.IsFinite(value))
                {
                    throw new InvalidDataException($"{path} line {lineNumber}, column '{columns[c]}': '{cells[c]}' is not a finite number (largest about 3.4e38; leave the cell empty for a missing value).");
                }

                vector[map[c]] = value;
            }

            var days = defaultObservedDays;
            if (daysColumn > 0 && cells[daysColumn].Length > 0)
            {
                if (!double.TryParse(cells[daysColumn], NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || !double.IsFinite(parsed) || parsed <= 0)
                {
                    throw new InvalidDataException($"{path} line {lineNumber}, column '{ObservedDaysColumn}': '{cells[daysColumn]}' is not a positive number of days.");
                }

                days = parsed;
            }
            else if (days is null && startColumn > 0 && endColumn > 0
                && DateTimeOffset.TryParse(cells[startColumn], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var first)
                && DateTimeOffset.TryParse(cells[endColumn], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var last))
            {
                // The table of `telematics features`: its driver row spans the trips, the window `score --input` takes.
                days = Features.FeatureTableWriter.SpanDays(first.ToUnixTimeMilliseconds(), last.ToUnixTimeMilliseconds());
            }

            drivers.Add(new FeatureRow(new DriverFeatures(cells[idColumn], vector) { ObservedDays = days }, lineNumber));
        }

        return drivers;
    }
}

/// <summary>A driver read from a features CSV and the line it was on.</summary>
internal readonly record struct FeatureRow(DriverFeatures Driver, int Line);
