using System.Text.Json.Nodes;

namespace Telematics.Scoring.Tests.TestModels;

/// <summary>
/// Packages whose model file is damaged or exported in a shape the SDK cannot serve — each with a correct SHA-256, so that
/// the bytes reach ONNX Runtime — for the tests that nothing a package holds can take a loader or the registry down.
/// </summary>
internal static class MutatedPackages
{
    /// <summary>A good package's model: <see cref="TestOnnxModels.TreeClassifier"/> behind a ZipMap.</summary>
    public static byte[] Good => TestOnnxModels.TreeClassifier();

    /// <summary>Named mutations: the model file and the output the manifest names (a ZipMap probability or a score tensor).</summary>
    public static IEnumerable<(string Name, byte[] Model, string Output)> All()
    {
        var good = Good;
        foreach (var length in new[] { 0, 1, 9, good.Length / 4, good.Length / 2, good.Length - 7, good.Length - 1 })
        {
            yield return ($"truncated-{length}", good[..length], "output_probability");
        }

        yield return ("not-onnx", "this is not a protobuf, just text"u8.ToArray(), "output_probability");
        yield return ("wrong-width", new OnnxBuilder().FloatInput("float_input", 5).TensorOutput("variable", OnnxBuilder.Float, 1)
            .Node("LinearRegressor", "ai.onnx.ml", ["float_input"], ["variable"], a => a.Floats("coefficients", 1, 1, 1, 1, 1).Floats("intercepts", 0))
            .Build(), "variable");
        yield return ("rank-3-input", new OnnxBuilder().Input("float_input", OnnxBuilder.Float, OnnxBuilder.Symbolic, 3, 1).Output("variable", OnnxBuilder.Float, OnnxBuilder.Symbolic, 3, 1)
            .Node("Identity", "", ["float_input"], ["variable"]).Build(), "variable");
        yield return ("rank-3-output", new OnnxBuilder().FloatInput("float_input", 3).Output("variable", OnnxBuilder.Float, OnnxBuilder.Symbolic, 3, 1)
            .Node("Identity", "", ["float_input"], ["variable"]).Build(), "variable");
        yield return ("int64-input", WildOnnxModels.TypedInput(OnnxBuilder.Int64), "variable");
        yield return ("bool-input", WildOnnxModels.TypedInput(9), "variable");
        yield return ("string-input", WildOnnxModels.TypedInput(OnnxBuilder.String), "variable");
        yield return ("label-output", TestOnnxModels.TreeClassifier(), "label");
        yield return ("map-input", WildOnnxModels.MapInput(), "variable");
        yield return ("huge-batch", WildOnnxModels.FixedBatchTreeRegressor(1_000_000_000), "variable");
        yield return ("huge-output", new OnnxBuilder().FloatInput("float_input", 3).Output("variable", OnnxBuilder.Float, OnnxBuilder.Symbolic, 2_000_000_000)
            .Node("LinearRegressor", "ai.onnx.ml", ["float_input"], ["variable"], a => a.Floats("coefficients", 1, 1, 1).Floats("intercepts", 0))
            .Build(), "variable");
        yield return ("huge-initializer", new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 1)
            .FloatInitializer("w", [3, 2_000_000_000], [1, 10, 100])
            .Node("MatMul", "", ["float_input", "w"], ["variable"]).Build(), "variable");
        yield return ("cyclic", WildOnnxModels.Cyclic(), "variable");
        yield return ("three-classes", WildOnnxModels.ThreeClassTrees(zipMap: true, stringLabels: false), "output_probability");
        yield return ("unknown-op", new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 1)
            .Node("NoSuchOperator", "ai.onnx.ml", ["float_input"], ["variable"]).Build(), "variable");
    }

    /// <summary>
    /// The good model with one bit flipped at each of <paramref name="count"/> positions spread over the file: some still
    /// load (a flipped weight), most must be refused.
    /// </summary>
    public static IEnumerable<(string Name, byte[] Model)> BitFlips(int count)
    {
        var good = Good;
        for (var i = 0; i < count; i++)
        {
            var position = (int)((long)i * good.Length / count);
            var flipped = (byte[])good.Clone();
            flipped[position] ^= (byte)(1 << (i % 8));
            yield return ($"flip-{position}-{i % 8}", flipped);
        }
    }

    /// <summary>The manifest of package <paramref name="name"/>@1 holding <paramref name="mutation"/>, reading <paramref name="output"/>.</summary>
    public static JsonObject Manifest(string name, string output, string? mutation = null)
    {
        var manifest = TestPackages.TreeClassifierManifest(name, "1");
        if ((mutation ?? name) == "three-classes")
        {
            // Refused for want of a class choice: the manifest names none.
            manifest["output"] = new JsonObject { ["name"] = output, ["kind"] = "probability" };
            return manifest;
        }

        if ((mutation ?? name) == "map-input")
        {
            // The manifest names the map input, as a user pointing the SDK at a DictVectorizer export would.
            manifest["inputs"]!["tensor_name"] = "features";
        }

        if (output != "output_probability")
        {
            manifest["output"] = new JsonObject { ["name"] = output, ["kind"] = "score" };
            manifest["calibration"] = new JsonObject { ["kind"] = "linear", ["scale"] = 10, ["offset"] = 0 };
        }

        return manifest;
    }
}
