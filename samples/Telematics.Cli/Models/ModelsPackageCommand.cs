using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Telematics.Cli.Score;
using Telematics.Features.Schema;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Packaging;
using Telematics.Training.Modeling;
using Telematics.Training.Packaging;

namespace Telematics.Cli.Models;

/// <summary>
/// <c>telematics models package</c>: turns an ONNX file trained elsewhere and the features CSV of its training population
/// into a package of a model directory (<see cref="ExternalOnnxPackager"/>), then prints what <c>models validate</c> prints.
/// </summary>
internal static class ModelsPackageCommand
{
    public static Command Create()
    {
        var onnx = new Option<FileInfo>("--onnx") { Description = "The ONNX model file, as exported.", Required = true };
        var features = new Option<FileInfo>("--features") { Description = "The training population: a features CSV as `telematics synth` or `telematics features` writes it (driver rows, observed_days, empty cell = missing).", Required = true };
        var name = new Option<string>("--name") { Description = "Package name.", Required = true };
        var version = new Option<string>("--version") { Description = "Package version.", Required = true };
        var dir = new Option<DirectoryInfo>("--dir") { Description = "The model directory: the package goes to DIR/<name>/<version>/.", Required = true };
        var featureList = new Option<string?>("--features-list") { Description = "Schema features of the model's inputs, in order, comma-separated (default: the graph's input names, when it has one input per feature)." };
        var tensorName = new Option<string?>("--tensor-name") { Description = "The features input tensor (default: the graph's only input)." };
        var outputName = new Option<string?>("--output-name") { Description = "The raw output (default: the only output, or a classifier's probability output)." };
        var kind = new Option<string?>("--kind") { Description = "What the raw output measures; required unless the output is a classifier's probabilities." };
        kind.AcceptOnlyFromAmong("probability", "frequency", "score");
        var positiveClass = new Option<string?>("--positive-class") { Description = "Label of the class whose probability is the raw output." };
        var positiveIndex = new Option<int?>("--positive-index") { Description = "Output column (or class position) that is the raw output." };
        var monotone = new Option<string?>("--monotone") { Description = "Claimed directions of risk, checked at load: feature=increasing|decreasing, comma-separated." };
        var schema = new Option<string>("--schema") { Description = "The feature schema the model reads: telematics@2 (current) or telematics@1.", DefaultValueFactory = _ => $"{TelematicsFeatures.SchemaName}@{TelematicsFeaturesV2.SchemaVersion}" };
        var periodDays = new Option<int?>("--period-days") { Description = "Days the drivers were observed over (1–3660), for a telematics@2 model: a driver's observed_days cell comes first, then this, then the span of a `telematics features` table's driver row (so given, it replaces every such span)." };
        var force = new Option<bool>("--force") { Description = "Replace the version if it exists (else it is refused and left as it is)." };
        var command = new Command("package", "Package an ONNX model trained elsewhere: sha256, calibration knots, reference row and training ranges from its training population's features CSV; written only once it loads as the registry would load it.")
        {
            onnx, features, name, version, dir, featureList, tensorName, outputName, kind, positiveClass, positiveIndex, monotone, schema, periodDays, force,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var output = parse.InvocationConfiguration.Output;
            int schemaVersion;
            Dictionary<string, RiskDirection> directions;
            try
            {
                schemaVersion = SchemaVersion(parse.GetValue(schema)!);
                directions = Directions(parse.GetValue(monotone));
                if (parse.GetValue(periodDays) is < 1 or > 3660)
                {
                    throw new ArgumentException("--period-days must be between 1 and 3660.");
                }
            }
            catch (ArgumentException e)
            {
                error.WriteLine(e.Message);
                return Task.FromResult(ExitCodes.Usage);
            }

            var csv = parse.GetValue(features)!.FullName;
            byte[] model;
            List<FeatureRow> rows;
            string csvSha256;
            // The reader warns of every schema column the file lacks; only those the model reads matter here (printed below).
            var warnings = new StringWriter(CultureInfo.InvariantCulture);
            try
            {
                model = File.ReadAllBytes(parse.GetValue(onnx)!.FullName);
                // Hashed as it is read, so the hash recorded is of the rows packaged, and the file is read once.
                using (var file = File.OpenRead(csv))
                using (var sha = SHA256.Create())
                using (var hashing = new CryptoStream(file, sha, CryptoStreamMode.Read))
                {
                    rows = FeatureCsv.ReadRows(hashing, csv, TelematicsFeatures.Schema, warnings, defaultObservedDays: parse.GetValue(periodDays), tableWindows: true);
                    hashing.CopyTo(Stream.Null);
                    if (!hashing.HasFlushedFinalBlock)
                    {
                        hashing.FlushFinalBlock();
                    }

                    csvSha256 = Convert.ToHexStringLower(sha.Hash!);
                }
                // A row that shows no driving (a `features` table's no-trip driver has no start_utc/end_utc) is left out by the
                // packager, and counted, whatever its window.
                if (schemaVersion == TelematicsFeaturesV2.SchemaVersion && rows.FirstOrDefault(r => r.Driver.ObservedDays is null && !TelematicsFeatures.ShowsNoDriving(r.Driver.Features.Span)) is { Driver.DriverId: not null } windowless)
                {
                    throw new InvalidDataException(
                        $"{csv} line {windowless.Line}, column '{FeatureCsv.ObservedDaysColumn}': no observation window for driver '{windowless.Driver.DriverId}'; a {TelematicsFeaturesV2.Schema} model reads {TelematicsFeaturesV2.AnnualKm}, {TelematicsFeaturesV2.DrivingHoursPerWeek} and {TelematicsFeaturesV2.TripsPerWeek}, which need it (an observed_days cell, --period-days, or the start_utc/end_utc of a `telematics features` table), as `score --features` does.");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                error.WriteLine(e.Message);
                return Task.FromResult(ExitCodes.InputError);
            }

            var featuresGiven = parse.GetValue(featureList) is { } list ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null;
            var request = new ExternalOnnxRequest
            {
                Name = parse.GetValue(name)!,
                Version = parse.GetValue(version)!,
                Onnx = model,
                Population = rows.ConvertAll(r => r.Driver),
                SchemaVersion = schemaVersion,
                Features = featuresGiven,
                TensorName = parse.GetValue(tensorName),
                OutputName = parse.GetValue(outputName),
                OutputKind = parse.GetValue(kind) is { } k ? Enum.Parse<ModelOutputKind>(k, ignoreCase: true) : null,
                PositiveClass = parse.GetValue(positiveClass),
                PositiveIndex = parse.GetValue(positiveIndex),
                Monotone = directions,
                Replace = parse.GetValue(force),
                Training = new Dictionary<string, string>
                {
                    // File names only: the manifest travels with the model, and full paths would name the packager's folders.
                    ["packaged_by"] = "telematics " + string.Join(' ', parse.Tokens.Select(t => t.Value.Contains('/') ? Path.GetFileName(t.Value.TrimEnd('/')) : t.Value)),
                    ["onnx_file"] = Path.GetFileName(parse.GetValue(onnx)!.FullName),
                    ["features_csv"] = Path.GetFileName(csv),
                    ["features_csv_rows"] = rows.Count.ToString(CultureInfo.InvariantCulture),
                    ["features_csv_sha256"] = csvSha256,
                },
            };

            ExternalPackageResult result;
            try
            {
                try
                {
                    result = ExternalOnnxPackager.Package(request, parse.GetValue(dir)!.FullName, cancellationToken);
                }
                catch
                {
                    // Before the refusal, so that a missing column the model reads explains it (no finite output, say); when
                    // the graph would have named the features, every missing column is told, as any may be the cause.
                    WriteWarnings(error, warnings.ToString(), csv, featuresGiven ?? AllFeatures(schemaVersion), schemaVersion);
                    throw;
                }

                WriteWarnings(error, warnings.ToString(), csv, result.Features, schemaVersion);
            }
            catch (OperationCanceledException)
            {
                return Task.FromResult(ExitCodes.Cancelled);
            }
            catch (ArgumentException e)
            {
                error.WriteLine(e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
                return Task.FromResult(ExitCodes.Usage);
            }
            catch (ModelPackageException e)
            {
                error.WriteLine($"INVALID: {e.Message}");
                return Task.FromResult(ExitCodes.InputError);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                error.WriteLine(e.Message);
                return Task.FromResult(ExitCodes.InputError);
            }

            var leftOut = result.DriversWithoutOutput == 0 ? "" : $" ({result.DriversWithoutOutput} left out: no driving, or no finite output)";
            output.WriteLine($"wrote     {result.Folder}: calibration, reference and ranges from {result.Drivers} drivers of {Path.GetFileName(csv)}{leftOut}");
            try
            {
                using var package = CliModelLoading.LoadPackage(result.Folder);
                ModelsCommand.PrintValidation(output, package);
            }
            catch (ModelPackageException e)
            {
                // Checked in the staging folder already: only a change made to the folder since can fail here.
                error.WriteLine($"INVALID: {e.Message}");
                return Task.FromResult(ExitCodes.InputError);
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary>
    /// The reader's warnings, but of the columns the file lacks only those the model reads (a telematics@2 rate through the
    /// telematics@1 total it is derived from, at the same position).
    /// </summary>
    private static void WriteWarnings(TextWriter error, string warnings, string csv, IReadOnlyList<string> features, int schemaVersion)
    {
        var schema = schemaVersion == TelematicsFeaturesV2.SchemaVersion ? TelematicsFeaturesV2.Schema : TelematicsFeatures.Schema;
        var read = new HashSet<string>(StringComparer.Ordinal);
        foreach (var feature in features)
        {
            if (schema.TryGetIndex(feature, out var index))
            {
                read.Add(TelematicsFeatures.Schema.Features[index].Name);
            }
        }

        var missing = $"warning: {csv}: no column '";
        foreach (var line in warnings.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith(missing, StringComparison.Ordinal) || read.Contains(line[missing.Length..line.IndexOf('\'', missing.Length)]))
            {
                error.WriteLine(line);
            }
        }
    }

    private static string[] AllFeatures(int schemaVersion)
    {
        var features = (schemaVersion == TelematicsFeaturesV2.SchemaVersion ? TelematicsFeaturesV2.Schema : TelematicsFeatures.Schema).Features;
        var names = new string[features.Length];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = features[i].Name;
        }

        return names;
    }

    private static int SchemaVersion(string value)
    {
        var at = value.LastIndexOf('@');
        if (at > 0 && value[..at] == TelematicsFeatures.SchemaName
            && int.TryParse(value[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number is TelematicsFeatures.SchemaVersion or TelematicsFeaturesV2.SchemaVersion)
        {
            return number;
        }

        throw new ArgumentException($"--schema: '{value}' is not a schema this tool provides: {TelematicsFeaturesV2.Schema} (current) or {TelematicsFeatures.Schema}.");
    }

    private static Dictionary<string, RiskDirection> Directions(string? value)
    {
        var directions = new Dictionary<string, RiskDirection>(StringComparer.Ordinal);
        foreach (var pair in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', StringSplitOptions.TrimEntries);
            var direction = parts.Length != 2 || parts[0].Length == 0 ? RiskDirection.Unknown
                : parts[1] == "increasing" ? RiskDirection.Increasing
                : parts[1] == "decreasing" ? RiskDirection.Decreasing
                : RiskDirection.Unknown;
            if (direction == RiskDirection.Unknown || !directions.TryAdd(parts[0], direction))
            {
                throw new ArgumentException($"--monotone: '{pair}' must be feature=increasing or feature=decreasing, each feature once.");
            }
        }

        return directions;
    }
}
