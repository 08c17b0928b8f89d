using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Telematics.Scoring.Registry;

namespace Telematics.Scoring.DependencyInjection;

/// <summary>Validates <see cref="ModelRegistryOptions"/> at start-up: the data annotations, and that the model directory exists.</summary>
internal sealed class ModelRegistryOptionsValidator : IValidateOptions<ModelRegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelRegistryOptions options)
    {
        var results = new List<ValidationResult>();
        var failures = new List<string>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            foreach (var result in results)
            {
                failures.Add($"ModelRegistryOptions.{string.Join(",", result.MemberNames)}: {result.ErrorMessage}");
            }
        }

        if (options.ModelDirectory is { } directory && !Directory.Exists(directory))
        {
            failures.Add($"ModelRegistryOptions.ModelDirectory: '{directory}' does not exist.");
        }

        if (options.DefaultModel is not null && options.ModelDirectory is null && options.DefaultModel != Packaging.ModelPackage.BuiltInName)
        {
            failures.Add($"ModelRegistryOptions.DefaultModel: '{options.DefaultModel}' needs a ModelDirectory to be served from.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
