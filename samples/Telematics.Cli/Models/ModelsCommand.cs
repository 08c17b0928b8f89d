using System.CommandLine;
using System.Globalization;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;

namespace Telematics.Cli.Models;

/// <summary><c>telematics models list|validate|promote|package</c>: inspect and manage a model directory.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "Inspect and manage model packages in a model directory (<dir>/<name>/<version>/).");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateValidate());
        command.Subcommands.Add(CreatePromote());
        command.Subcommands.Add(ModelsPackageCommand.Create());
        return command;
    }

    private static Option<DirectoryInfo> DirOption(string description) => new("--dir") { Description = description, Required = true };

    private static Command CreateList()
    {
        var dir = DirOption("The model directory.");
        var command = new Command("list", "List every served version with its aliases, load time and reference score; report packages that fail to load.") { dir };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var path = parse.GetValue(dir)!.FullName;
            if (!Directory.Exists(path))
            {
                parse.InvocationConfiguration.Error.WriteLine($"Model directory '{path}' does not exist.");
                return ExitCodes.InputError;
            }

            using var registry = new ModelRegistry(CliModelLoading.RegistryOptions(path));
            var reload = registry.Reload();
            output.WriteLine($"{"NAME",-24} {"VERSION",-10} {"KIND",-6} {"ALIASES",-22} {"REF SCORE",9}  SHA-256");
            foreach (var model in registry.Models)
            {
                var sha = model.Sha256.Length >= 12 ? model.Sha256[..12] : "-";
                output.WriteLine($"{model.Name,-24} {model.Version,-10} {model.Kind.ToString().ToLowerInvariant(),-6} {string.Join(",", model.Aliases),-22} {model.ReferenceScore.ToString("F1", CultureInfo.InvariantCulture),9}  {sha}");
            }

            foreach (var failure in reload.Failures)
            {
                parse.InvocationConfiguration.Error.WriteLine($"FAILED {failure.Path}: {failure.Message}");
            }

            return reload.Failures.Count == 0 ? ExitCodes.Success : ExitCodes.PartialFailure;
        });
        return command;
    }

    private static Command CreateValidate()
    {
        var dir = DirOption("A package folder or .zip (manifest.json + model file).");
        var command = new Command("validate", "Load a package as the registry would: check its hash and binding, print bound inputs and output, and smoke-score its reference row.") { dir };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var info = parse.GetValue(dir)!;
            ModelPackage package;
            try
            {
                package = CliModelLoading.LoadPackage(info.FullName);
            }
            catch (ModelPackageException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"INVALID: {e.Message}");
                return ExitCodes.InputError;
            }

            using (package)
            {
                PrintValidation(output, package);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreatePromote()
    {
        var dir = DirOption("The model directory.");
        var name = new Option<string>("--name") { Description = "Model name.", Required = true };
        var version = new Option<string>("--version") { Description = "Version to promote, or an alias of the model: the version that alias points at now is written (the aliases are not linked afterwards).", Required = true };
        var alias = new Option<string>("--alias") { Description = "Alias to point at the version.", DefaultValueFactory = _ => "champion" };
        var command = new Command("promote", "Point an alias (default champion) of a model at a version, after checking that the version loads.") { dir, name, version, alias };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(dir)!.FullName;
            if (!Directory.Exists(path))
            {
                parse.InvocationConfiguration.Error.WriteLine($"Model directory '{path}' does not exist.");
                return ExitCodes.InputError;
            }

            using var registry = new ModelRegistry(CliModelLoading.RegistryOptions(path));
            var modelName = parse.GetValue(name)!;
            var aliasName = parse.GetValue(alias)!;
            try
            {
                registry.Promote(modelName, parse.GetValue(version)!, aliasName);
            }
            catch (Exception e) when (e is KeyNotFoundException or ArgumentException or InvalidDataException)
            {
                parse.InvocationConfiguration.Error.WriteLine(e.Message);
                return ExitCodes.InputError;
            }

            // Report what the registry serves after the reload, not what was asked: --version may be an alias, and an alias
            // the reload refused must not read as a success.
            var served = registry.Models.FirstOrDefault(m => m.Name == modelName && m.Aliases.Contains(aliasName, StringComparer.Ordinal));
            if (served is null)
            {
                parse.InvocationConfiguration.Error.WriteLine($"{modelName}: alias '{aliasName}' was written but is not served after the reload; see `telematics models list`.");
                return ExitCodes.PartialFailure;
            }

            parse.InvocationConfiguration.Output.WriteLine($"{modelName}: {aliasName} → {served.Version}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>What <c>models validate</c> prints of a package that loads: identity, bound inputs, output, calibration, smoke score, OK.</summary>
    internal static void PrintValidation(TextWriter output, ModelPackage package)
    {
        output.WriteLine($"package   {package} ({package.Kind.ToString().ToLowerInvariant()}), sha256 {package.Sha256}");
        output.WriteLine($"schema    {package.Model.Binding.Schema}");
        output.WriteLine("inputs");
        var binding = package.Model.Binding;
        for (var i = 0; i < binding.Count; i++)
        {
            output.WriteLine($"  {i,3}  {binding.FeatureNames[i],-32} schema index {binding.SchemaIndexes[i],2}   reference {package.ReferenceRow[i].ToString("G6", CultureInfo.InvariantCulture)}");
        }

        var outputDescription = package.Model is OnnxRiskModel onnx ? onnx.OutputDescription : "raw log-odds of the rules";
        output.WriteLine($"output    {outputDescription} ({package.OutputKind.ToString().ToLowerInvariant()})");
        output.WriteLine($"calibrate {package.Calibration.Kind}");
        output.WriteLine($"smoke     reference raw {package.ReferenceRaw.ToString("G6", CultureInfo.InvariantCulture)} → score {package.ReferenceScore.ToString("F2", CultureInfo.InvariantCulture)}");
        output.WriteLine("OK");
    }
}
