using Telematics.Training.Modeling;

namespace Telematics.Training.Packaging;

/// <summary>
/// Writes a <see cref="MonotonePoissonGlm"/> as an ONNX graph (ai.onnx opset 17, standard operators only, so any ONNX
/// runtime serves it): input <c>features</c> [N, k] in term order, output <c>frequency</c> [N, 1] = claims per year.
/// </summary>
/// <remarks>
/// NaN → the term's median (IsNaN, Where); clip to the training range (Max, Min); ln(1 + x) for Log1p terms, computed
/// for every column as Log(x · mask + 1) with mask 0 for linear terms so that they contribute ln 1 = 0 there; then
/// two MatMuls (log and linear coefficients), the intercept and Exp. Field numbers are those of onnx.proto
/// (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, TypeProto).
/// </remarks>
internal static class GlmOnnxGraph
{
    public const string InputName = "features";
    public const string OutputName = "frequency";

    private const int FloatType = 1;

    public static byte[] Write(MonotonePoissonGlm glm)
    {
        var terms = glm.Terms;
        var k = terms.Count;
        var medians = new float[k];
        var lower = new float[k];
        var upper = new float[k];
        var mask = new float[k];
        var logWeights = new float[k];
        var linearWeights = new float[k];
        for (var i = 0; i < k; i++)
        {
            var term = terms[i];
            medians[i] = (float)term.Median;
            lower[i] = (float)term.Lower;
            upper[i] = (float)term.Upper;
            var isLog = term.Factor.Transform == FactorTransform.Log1p;
            mask[i] = isLog ? 1 : 0;
            logWeights[i] = isLog ? (float)term.Coefficient : 0;
            linearWeights[i] = isLog ? 0 : (float)term.Coefficient;
        }

        return new ProtoBuffer()
            .Int64(1, 8)                                   // ir_version
            .String(2, "Telematics.Training")              // producer_name
            .String(3, "1")                                // producer_version
            .Message(8, o => o.String(1, "").Int64(2, 17)) // opset_import: ai.onnx 17
            .Message(7, graph =>
            {
                Node(graph, "IsNaN", [InputName], ["missing"]);
                Node(graph, "Where", ["missing", "medians", InputName], ["filled"]);
                Node(graph, "Max", ["filled", "lower"], ["raised"]);
                Node(graph, "Min", ["raised", "upper"], ["clipped"]);
                Node(graph, "Mul", ["clipped", "log_mask"], ["masked"]);
                Node(graph, "Add", ["masked", "one"], ["shifted"]);
                Node(graph, "Log", ["shifted"], ["logged"]);
                Node(graph, "MatMul", ["logged", "log_weights"], ["log_terms"]);
                Node(graph, "MatMul", ["clipped", "linear_weights"], ["linear_terms"]);
                Node(graph, "Add", ["log_terms", "linear_terms"], ["terms"]);
                Node(graph, "Add", ["terms", "intercept"], ["eta"]);
                Node(graph, "Exp", ["eta"], [OutputName]);
                graph.String(2, "telematics_frequency_glm");
                Initializer(graph, "medians", [k], medians);
                Initializer(graph, "lower", [k], lower);
                Initializer(graph, "upper", [k], upper);
                Initializer(graph, "log_mask", [k], mask);
                Initializer(graph, "one", [1], [1f]);
                Initializer(graph, "log_weights", [k, 1], logWeights);
                Initializer(graph, "linear_weights", [k, 1], linearWeights);
                Initializer(graph, "intercept", [1], [(float)glm.Intercept]);
                graph.Message(11, input => ValueInfo(input, InputName, k));
                graph.Message(12, output => ValueInfo(output, OutputName, 1));
            })
            .ToArray();
    }

    private static void Node(ProtoBuffer graph, string op, string[] inputs, string[] outputs) =>
        graph.Message(1, node =>
        {
            foreach (var input in inputs)
            {
                node.String(1, input);
            }

            foreach (var output in outputs)
            {
                node.String(2, output);
            }

            node.String(3, $"{op}_{outputs[0]}").String(4, op);
        });

    private static void Initializer(ProtoBuffer graph, string name, long[] dims, float[] values) =>
        graph.Message(5, tensor => tensor.PackedInt64s(1, dims).Int64(2, FloatType).PackedFloats(4, values).String(8, name));

    // A float tensor [N, columns] with N symbolic.
    private static void ValueInfo(ProtoBuffer value, string name, int columns) =>
        value.String(1, name).Message(2, type => type.Message(1, tensor => tensor
            .Int64(1, FloatType)
            .Message(2, shape => shape
                .Message(1, dim => dim.String(2, "N"))
                .Message(1, dim => dim.Int64(1, columns)))));
}
