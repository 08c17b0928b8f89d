using Telematics.Scoring.Contributions;

namespace Telematics.Scoring.Onnx;

/// <summary>What <see cref="OnnxRiskModel.Load"/> reads from the graph itself: the graph, external data, and tree ensembles checked against ONNX Runtime.</summary>
public sealed partial class OnnxRiskModel
{
    private static OnnxGraph? TryReadGraph(byte[] onnx)
    {
        try
        {
            return OnnxGraph.Read(onnx);
        }
        catch (InvalidDataException)
        {
            // ONNX Runtime loaded the model, so it is valid; a protobuf detail the small reader does not follow only
            // costs what the graph would have told (exact contributions, class labels, the input width check).
            return null;
        }
    }

    /// <summary>
    /// Refuses initializers stored outside the model file: a model loaded from bytes has no folder, so ONNX Runtime would
    /// fail or resolve the file against the working directory, reading weights the package's SHA-256 does not cover.
    /// </summary>
    private static void RefuseExternalData(OnnxGraph? graph)
    {
        if (graph is { ExternalInitializers: [var (name, location), ..] external })
        {
            throw new InvalidDataException($"Initializer '{name}' keeps its data in the external file '{location}'{(external.Count > 1 ? $" (and {external.Count - 1} more)" : "")}; external data is not supported: save the model with its weights inside (onnx.save(model, path) without save_as_external_data, after onnx.load with its data), so that the package's SHA-256 covers them.");
        }
    }

    private static TreeEnsemble? TryReadTrees(OnnxGraph graph, OnnxModelSpec spec, int column)
    {
        try
        {
            return OnnxTreeEnsembleReader.TryRead(graph, spec, column);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException)
        {
            // Attributes ONNX Runtime accepted but the reader cannot follow only cost exact contributions.
            return null;
        }
    }

    /// <summary>
    /// Keeps <paramref name="trees"/> only if it reproduces ONNX Runtime's output on rows probing every split (at,
    /// just above and just below each threshold, and missing values), so that exact contributions never explain a
    /// model other than the one that scores.
    /// </summary>
    private static TreeEnsemble? VerifiedTrees(OnnxRiskModel model, TreeEnsemble? trees)
    {
        if (trees is null)
        {
            return null;
        }

        const int Rows = 64;
        var width = trees.Width;
        var thresholds = new List<float>[width];
        for (var f = 0; f < width; f++)
        {
            thresholds[f] = [0f];
        }

        foreach (var (feature, threshold) in trees.Splits())
        {
            thresholds[feature].Add(threshold);
        }

        var random = new Random(20_261_128);
        var rows = new float[Rows * width];
        for (var i = 0; i < rows.Length; i++)
        {
            var candidates = thresholds[i % width];
            var value = candidates[random.Next(candidates.Count)];
            rows[i] = random.Next(8) switch
            {
                0 => float.NaN,
                1 or 2 => value,
                3 or 4 => MathF.BitIncrement(value),
                5 or 6 => MathF.BitDecrement(value),
                _ => (float)random.NextDouble(),
            };
        }

        var outputs = new float[Rows];
        model.Score(rows, outputs);
        for (var r = 0; r < Rows; r++)
        {
            var expected = trees.Output(trees.Margin(rows.AsSpan(r * width, width)));
            if (!(Math.Abs(expected - outputs[r]) <= 1e-5 * Math.Max(1, Math.Abs(outputs[r]))))
            {
                return null;
            }
        }

        return trees;
    }
}
