using Telematics.Scoring.Shipped;

namespace Telematics.Api.Administration;

/// <summary>
/// Reads which models the host serves from <c>Scoring:Model</c>, <c>Scoring:ModelDirectory</c> and <c>Scoring:DefaultModel</c>.
/// </summary>
/// <remarks>
/// <c>Scoring:Model</c> is one of:
/// <list type="bullet">
/// <item><c>rules</c> (the default when unset): the packages of <c>Scoring:ModelDirectory</c>, if set, are served, and the default
/// model is <c>Scoring:DefaultModel</c> when set, else the built-in rules model <c>builtin-rules@1</c>;</item>
/// <item><c>shipped</c>: the trained model shipped with the SDK (<c>telematics-frequency</c>, ONNX, exact TreeSHAP contributions)
/// is the default model at <c>champion</c>; it is extracted into <c>Scoring:ModelDirectory</c> when set (and served beside the
/// packages there), else into a per-user temporary folder;</item>
/// <item>any other value: a model directory, as <c>Scoring:ModelDirectory</c>.</item>
/// </list>
/// The built-in rules model stays served as <c>builtin-rules@1</c> in every case.
/// </remarks>
internal static class ServedModels
{
    /// <summary>The alias the default model is served at (the shipped model's too: <c>UseShippedModel</c> serves it there).</summary>
    public const string DefaultAlias = "champion";

    /// <summary>The <c>Scoring:Model</c> value for the built-in rules model (the default).</summary>
    public const string Rules = "rules";

    /// <summary>The <c>Scoring:Model</c> value for the shipped trained model.</summary>
    public const string Shipped = "shipped";

    /// <summary>Applies the configuration to <paramref name="builder"/>.</summary>
    /// <exception cref="InvalidOperationException">The settings contradict each other; the message names both keys.</exception>
    public static void Configure(TelematicsScoringBuilder builder, IConfiguration configuration)
    {
        var model = configuration[AdministrationSetup.ModelKey] is { Length: > 0 } value ? value : Rules;
        var directory = configuration[AdministrationSetup.ModelDirectoryKey] is { Length: > 0 } dir ? dir : null;
        var defaultModel = configuration[AdministrationSetup.DefaultModelKey] is { Length: > 0 } name ? name : null;
        if (string.Equals(model, Shipped, StringComparison.OrdinalIgnoreCase))
        {
            if (defaultModel is not null)
            {
                throw new InvalidOperationException(
                    $"{AdministrationSetup.ModelKey} is '{Shipped}', which makes {ShippedModel.Name} the default model, but {AdministrationSetup.DefaultModelKey} " +
                    $"names '{defaultModel}'. Remove one of them.");
            }

            builder.UseShippedModel(directory);
            return;
        }

        if (!string.Equals(model, Rules, StringComparison.OrdinalIgnoreCase))
        {
            if (directory is not null && !string.Equals(Path.GetFullPath(directory), Path.GetFullPath(model), StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"{AdministrationSetup.ModelKey} names the model directory '{model}' and {AdministrationSetup.ModelDirectoryKey} another, '{directory}'. Set one of them.");
            }

            directory = model;
        }

        if (directory is not null)
        {
            builder.UseModelDirectory(directory);
        }

        if (defaultModel is not null)
        {
            builder.UseDefaultModel(defaultModel, DefaultAlias);
        }
    }
}
