using Telematics.Scoring.Packaging;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Fuzz;

/// <summary>
/// A package folder holding <c>model.onnx</c> (a linear regressor over three features, written once) and, per input, the
/// input as <c>manifest.json</c>; <see cref="ModelPackageLoader.Load"/> must load it or refuse it with <see cref="ModelPackageException"/>.
/// </summary>
internal static class ManifestPackage
{
    private static readonly Lazy<string> Folder = new(Create);

    /// <summary>The package's model: [N, 3] float input <c>float_input</c> → LinearRegressor → <c>variable</c> [N, 1].</summary>
    public static byte[] Model { get; } =
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 1)
            .Node("LinearRegressor", "ai.onnx.ml", ["float_input"], ["variable"], a => a.Floats("coefficients", 0.5f, 0.25f, 2).Floats("intercepts", 0.1f))
            .Build();

    public static string? Load(byte[] manifest)
    {
        var folder = Folder.Value;
        File.WriteAllBytes(Path.Combine(folder, "manifest.json"), manifest);
        try
        {
            using var package = ModelPackageLoader.Load(folder);
            return null;
        }
        catch (ModelPackageException bad)
        {
            // The documented refusal of a package.
            return bad.Message;
        }
    }

    private static string Create()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"telematics-fuzz-manifest-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), Model);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        return folder;
    }
}
