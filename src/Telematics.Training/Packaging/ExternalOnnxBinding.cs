using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Telematics.Features.Schema;
using Telematics.Scoring.Packaging;

namespace Telematics.Training.Packaging;

/// <summary>
/// How an external ONNX model's inputs and output are bound for <see cref="ExternalOnnxPackager"/>: the request's names,
/// and where it leaves them out, the graph's own when they are unambiguous (its only input, its only output or a
/// classifier's probabilities, the features of a graph with one input per feature).
/// </summary>
internal static class ExternalOnnxBinding
{
    /// <summary>What the request names, completed from the graph where the graph leaves no doubt.</summary>
    /// <exception cref="ArgumentException">What the graph leaves open and the request does not name, or a feature not in <paramref name="schema"/>.</exception>
    /// <exception cref="ModelPackageException">ONNX Runtime cannot load the file.</exception>
    public static Binding Bind(ExternalOnnxRequest request, FeatureSchema schema)
    {
        var graph = GraphShape.Read(request.Onnx);
        IReadOnlyList<string> features;
        bool perFeature;
        if (request.Features is { } given)
        {
            if (given.Count == 0)
            {
                throw new ArgumentException("The feature list is empty; name the model's input features in order.", nameof(request));
            }

            features = given;
            perFeature = graph.Inputs.Count > 1;
        }
        else if (graph.Inputs.Count > 1 || (graph.Inputs.Count == 1 && schema.TryGetIndex(graph.Inputs[0].Name, out _) && graph.Inputs[0].Width == 1))
        {
            // One input per feature, each named as its feature.
            features = [.. graph.Inputs.Select(i => i.Name)];
            perFeature = true;
        }
        else
        {
            var width = graph.Inputs.Count == 1 && graph.Inputs[0].Width > 0 ? $"{graph.Inputs[0].Width} columns" : "columns the graph does not name";
            throw new ArgumentException(
                $"The graph's input '{graph.Inputs.FirstOrDefault().Name}' carries {width}; give the schema features they are, in order (Features; --features-list f1,f2,… on the command line).", nameof(request));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var feature in features)
        {
            if (!schema.TryGetIndex(feature, out _))
            {
                throw new ArgumentException($"'{feature}' is not a feature of {schema}; its features: {string.Join(", ", schema.Features.ToArray().Select(f => f.Name))}.", nameof(request));
            }

            if (!seen.Add(feature))
            {
                throw new ArgumentException($"Feature '{feature}' is listed twice.", nameof(request));
            }
        }

        string? tensorName = null;
        if (!perFeature)
        {
            tensorName = request.TensorName ?? (graph.Inputs.Count == 1 ? graph.Inputs[0].Name
                : throw new ArgumentException($"The graph has {graph.Inputs.Count} inputs ({string.Join(", ", graph.Inputs.Select(i => i.Name))}); name the features tensor (TensorName; --tensor-name).", nameof(request)));
        }
        else if (request.TensorName is not null)
        {
            throw new ArgumentException($"The graph has one input per feature ({string.Join(", ", graph.Inputs.Select(i => i.Name))}); a tensor name does not apply.", nameof(request));
        }

        var output = request.OutputName ?? DefaultOutput(graph);
        if (!graph.Outputs.Any(o => o.Name == output))
        {
            throw new ArgumentException($"The graph has no output '{output}'; its outputs: {string.Join(", ", graph.Outputs.Select(o => o.Name))}.", nameof(request));
        }

        var kind = request.OutputKind ?? (graph.IsClassifierOutput(output) ? ModelOutputKind.Probability
            : throw new ArgumentException(
                $"What output '{output}' measures is ambiguous from the graph: give its kind (OutputKind; --kind probability|frequency|score): a probability in [0, 1], an expected claim frequency ≥ 0, or a score on its own scale (a log-rate or logit).", nameof(request)));
        return new Binding(features, perFeature, tensorName, output, kind);
    }

    // The only output; else the one probability output of a classifier (a ZipMap, or a float tensor beside a label tensor).
    private static string DefaultOutput(GraphShape graph)
    {
        if (graph.Outputs.Count == 1)
        {
            return graph.Outputs[0].Name;
        }

        var candidates = graph.Outputs.Where(o => !o.IsLabel).ToList();
        return candidates.Count == 1 && graph.Outputs.Any(o => o.IsLabel)
            ? candidates[0].Name
            : throw new ArgumentException($"The graph has {graph.Outputs.Count} outputs ({string.Join(", ", graph.Outputs.Select(o => o.Name))}); name the raw output (OutputName; --output-name).", "request");
    }

    /// <summary>The features in input order, their layout and tensor, the raw output and what it measures.</summary>
    public sealed record Binding(IReadOnlyList<string> Features, bool PerFeature, string? TensorName, string OutputName, ModelOutputKind Kind);

    /// <summary>The graph's inputs and outputs as ONNX Runtime describes them.</summary>
    private sealed record GraphShape(IReadOnlyList<(string Name, int Width)> Inputs, IReadOnlyList<(string Name, bool IsLabel, bool IsSequence)> Outputs)
    {
        public static GraphShape Read(byte[] onnx)
        {
            try
            {
                using var options = new SessionOptions { IntraOpNumThreads = 1 };
                using var session = new InferenceSession(onnx, options);
                var inputs = session.InputMetadata.Select(i => (i.Key, i.Value.IsTensor && i.Value.Dimensions.Length == 2 ? i.Value.Dimensions[1] : -1)).ToList();
                var outputs = session.OutputMetadata.Select(o => (o.Key,
                    o.Value.IsTensor && o.Value.ElementDataType is TensorElementType.Int64 or TensorElementType.String,
                    o.Value.OnnxValueType == OnnxValueType.ONNX_TYPE_SEQUENCE)).ToList();
                return new GraphShape(inputs, outputs);
            }
            catch (OnnxRuntimeException e)
            {
                throw new ModelPackageException($"The file is not a loadable ONNX model: {e.Message}", e);
            }
        }

        // A classifier's probabilities: a ZipMap (sequence of maps), or a float tensor beside the label tensor.
        public bool IsClassifierOutput(string name)
        {
            var output = Outputs.First(o => o.Name == name);
            return output.IsSequence || (!output.IsLabel && Outputs.Any(o => o.IsLabel));
        }
    }
}
