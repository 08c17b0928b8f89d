using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Benchmarks.Scoring;

/// <summary>
/// A gradient-boosting-sized TreeEnsembleRegressor over all 29 features (100 trees of depth 5, random splits),
/// written as a model package into a temporary model directory, plus a table of distinct input rows.
/// </summary>
internal static class BenchmarkModel
{
    public const int Trees = 100;
    public const int Depth = 5;
    public const int DistinctRows = 8192;

    public static byte[] Build()
    {
        var random = new Random(42);
        var width = TelematicsFeatures.Schema.Count;
        var treeIds = new List<long>(); var nodeIds = new List<long>(); var featureIds = new List<long>();
        var values = new List<float>(); var modes = new List<string>(); var trueIds = new List<long>(); var falseIds = new List<long>();
        var targetTrees = new List<long>(); var targetNodes = new List<long>(); var targetIds = new List<long>(); var weights = new List<float>();
        var nodesPerTree = (1 << (Depth + 1)) - 1;
        for (var t = 0; t < Trees; t++)
        {
            for (var n = 0; n < nodesPerTree; n++)
            {
                treeIds.Add(t);
                nodeIds.Add(n);
                var leaf = n >= (1 << Depth) - 1;
                featureIds.Add(leaf ? 0 : random.Next(width));
                values.Add(leaf ? 0 : (float)random.NextDouble());
                modes.Add(leaf ? "LEAF" : "BRANCH_LEQ");
                trueIds.Add(leaf ? 0 : 2 * n + 1);
                falseIds.Add(leaf ? 0 : 2 * n + 2);
                if (leaf)
                {
                    targetTrees.Add(t);
                    targetNodes.Add(n);
                    targetIds.Add(0);
                    weights.Add((float)(random.NextDouble() - 0.5) * 0.1f);
                }
            }
        }

        return new OnnxBuilder().FloatInput("float_input", width).TensorOutput("variable", OnnxBuilder.Float, 1)
            .Node("TreeEnsembleRegressor", "ai.onnx.ml", ["float_input"], ["variable"], a => a
                .Ints("nodes_treeids", [.. treeIds]).Ints("nodes_nodeids", [.. nodeIds]).Ints("nodes_featureids", [.. featureIds])
                .Floats("nodes_values", [.. values]).Strings("nodes_modes", [.. modes])
                .Ints("nodes_truenodeids", [.. trueIds]).Ints("nodes_falsenodeids", [.. falseIds])
                .Ints("target_treeids", [.. targetTrees]).Ints("target_nodeids", [.. targetNodes]).Ints("target_ids", [.. targetIds])
                .Floats("target_weights", [.. weights]).Int("n_targets", 1).Floats("base_values", 0f)
                .String("aggregate_function", "SUM").String("post_transform", "NONE"))
            .Build();
    }

    /// <summary>Writes <c>&lt;root&gt;/bench/1/</c> and returns the model bytes.</summary>
    public static byte[] WritePackage(string root)
    {
        var bytes = Build();
        var dir = Path.Combine(root, "bench", "1");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), bytes);
        var features = new JsonArray();
        foreach (var feature in TelematicsFeatures.Schema.Features)
        {
            features.Add(feature.Name);
        }

        var manifest = new JsonObject
        {
            ["name"] = "bench", ["version"] = "1", ["kind"] = "onnx", ["file"] = "model.onnx",
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            ["feature_schema"] = new JsonObject { ["name"] = "telematics", ["version"] = 1 },
            ["inputs"] = new JsonObject { ["layout"] = "tensor", ["tensor_name"] = "float_input", ["features"] = features },
            ["output"] = new JsonObject { ["name"] = "variable", ["kind"] = "score" },
            ["calibration"] = new JsonObject { ["kind"] = "logistic", ["slope"] = 1, ["intercept"] = 0 },
        };
        File.WriteAllText(Path.Combine(dir, "manifest.json"), manifest.ToJsonString());
        return bytes;
    }

    /// <summary>Distinct rows (values in [0, 1)), row-major, so consecutive calls take different tree paths.</summary>
    public static float[] Rows()
    {
        var random = new Random(7);
        var rows = new float[DistinctRows * TelematicsFeatures.Schema.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = (float)random.NextDouble();
        }

        return rows;
    }
}
