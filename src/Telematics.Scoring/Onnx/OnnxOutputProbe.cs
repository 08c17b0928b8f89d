using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Telematics.Scoring.Models;

namespace Telematics.Scoring.Onnx;

/// <summary>
/// Runs the model once at load on a zero row (a zero batch for a fixed batch, a zero vector [k] for an input without a batch
/// dimension), letting ONNX Runtime allocate the output, to learn the output's actual shape and element type. Exporters'
/// declared shapes can be wrong: onnxmltools declares a binary XGBoost/LightGBM classifier's <c>probabilities</c> as [N, 1]
/// while ONNX Runtime returns [N, 2] (onnxruntime#20908), and a buffer bound to the declared shape would be refused at every call.
/// </summary>
internal static class OnnxOutputProbe
{
    /// <summary>The actual output of a tensor output: its dimensions and element type.</summary>
    internal readonly record struct Actual(long[] Shape, TensorElementType ElementType);

    /// <exception cref="ModelScoringException">ONNX Runtime cannot score the probe row.</exception>
    /// <exception cref="ModelBindingException">The output's first dimension is not the probe's row count.</exception>
    public static Actual Run(InferenceSession session, OnnxInputBinder.Inputs inputs, string output)
    {
        var rows = inputs.FixedBatch ?? 1;
        var values = new OrtValue[inputs.Names.Length];
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                // An input without a batch dimension is one row, [k].
                long[] shape = inputs.Unbatched ? [inputs.Widths[i]] : [rows, inputs.Widths[i]];
                values[i] = inputs.Double
                    ? OrtValue.CreateTensorValueFromMemory(new double[rows * inputs.Widths[i]], shape)
                    : OrtValue.CreateTensorValueFromMemory(new float[rows * inputs.Widths[i]], shape);
            }

            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, inputs.Names, values, [output]);
            var info = results[0].GetTensorTypeAndShape();
            // Row r's value is read at row r: an output of another row count (a Reshape of [N, 2] to [-1, 1], say) would
            // interleave other rows' values into each driver's score.
            if (inputs.Unbatched && info.Shape.Length == 1 && info.Shape[0] != 1)
            {
                throw new ModelBindingException($"Output '{output}' returned {info.Shape[0]} values for the one row of an input without a batch dimension; only [1] or a scalar is read from such a model (export it with a batch dimension for [N, C]).");
            }

            if (info.Shape.Length >= 1 && info.Shape[0] != rows)
            {
                throw new ModelBindingException($"Output '{output}' returned {info.Shape[0]} row(s) for the {rows} row(s) given; each row's output must be its own row.");
            }

            return new Actual(info.Shape, info.ElementDataType);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelScoringException($"ONNX Runtime failed to score a probe row of zeros to learn output '{output}''s shape: {e.Message}", e);
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }
        }
    }
}
