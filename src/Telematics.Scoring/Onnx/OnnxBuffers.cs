using Microsoft.ML.OnnxRuntime;

namespace Telematics.Scoring.Onnx;

/// <summary>
/// One caller's reusable input/output memory for an ONNX session: pinned arrays sized for the maximum batch
/// and the OrtValues over them, recreated only when the row count changes. A tensor output is bound
/// through an <see cref="OrtIoBinding"/> so that a run allocates nothing. A float64 model (skl2onnx with float64 data)
/// gets float64 arrays beside the float ones: rows are widened into them (exact) and its output narrowed from them. A model
/// without a batch dimension (one row at a time) gets an input [k] instead of [1, k], and a scalar output [] if it has one.
/// </summary>
internal sealed class OnnxBuffers : IDisposable
{
    private readonly int[] _inputWidths;
    private readonly int _outputColumns;
    private readonly string[] _inputNames;
    private readonly string _outputName;
    private readonly bool _unbatchedInput;
    private readonly bool _scalarOutput;
    private int _rows;

    public OnnxBuffers(InferenceSession session, string[] inputNames, int[] inputWidths, string outputName, int outputColumns, int maxRows, bool preallocateOutput,
        bool doubleInputs = false, bool doubleOutput = false, bool unbatchedInput = false, bool scalarOutput = false)
    {
        _unbatchedInput = unbatchedInput;
        _scalarOutput = scalarOutput;
        _inputNames = inputNames;
        _outputName = outputName;
        _inputWidths = inputWidths;
        _outputColumns = outputColumns;
        Inputs = new float[inputWidths.Length][];
        for (var i = 0; i < inputWidths.Length; i++)
        {
            Inputs[i] = GC.AllocateUninitializedArray<float>(maxRows * inputWidths[i], pinned: true);
        }

        DoubleInputs = new double[doubleInputs ? inputWidths.Length : 0][];
        for (var i = 0; i < DoubleInputs.Length; i++)
        {
            DoubleInputs[i] = GC.AllocateUninitializedArray<double>(maxRows * inputWidths[i], pinned: true);
        }

        InputValues = new OrtValue[inputWidths.Length];
        // A rank-1 output [N] has Columns 0 but still one value per row.
        var outputLength = maxRows * Math.Max(1, outputColumns);
        Output = preallocateOutput && !doubleOutput ? GC.AllocateUninitializedArray<float>(outputLength, pinned: true) : [];
        DoubleOutput = preallocateOutput && doubleOutput ? GC.AllocateUninitializedArray<double>(outputLength, pinned: true) : [];
        OutputValues = preallocateOutput ? new OrtValue[1] : [];
        Binding = preallocateOutput ? session.CreateIoBinding() : null;
    }

    /// <summary>Inputs and the output bound for <see cref="InferenceSession.RunWithBinding(RunOptions, OrtIoBinding)"/>; null when outputs are not preallocated.</summary>
    public OrtIoBinding? Binding { get; }

    /// <summary>Input arrays, one per ONNX input, row-major.</summary>
    public float[][] Inputs { get; }

    /// <summary>Float64 copies of <see cref="Inputs"/> that a float64 model reads; empty for a float32 model.</summary>
    public double[][] DoubleInputs { get; }

    /// <summary>The float64 output array (rows × columns) of a float64 output, else empty.</summary>
    public double[] DoubleOutput { get; }

    /// <summary>OrtValues over <see cref="Inputs"/> (or <see cref="DoubleInputs"/>) for the current row count.</summary>
    public OrtValue[] InputValues { get; }

    /// <summary>The output array (rows × columns), empty when outputs are not preallocated.</summary>
    public float[] Output { get; }

    /// <summary>The OrtValue over <see cref="Output"/>, empty when outputs are not preallocated.</summary>
    public OrtValue[] OutputValues { get; }

    /// <summary>Makes the OrtValues describe <paramref name="rows"/> rows; allocation-free when the count is unchanged.</summary>
    public void Prepare(int rows)
    {
        if (rows == _rows)
        {
            return;
        }

        DisposeValues();
        for (var i = 0; i < Inputs.Length; i++)
        {
            var width = _inputWidths[i];
            long[] inputShape = _unbatchedInput ? [width] : [rows, width];
            InputValues[i] = DoubleInputs.Length > 0
                ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<double>(DoubleInputs[i], 0, rows * width), inputShape)
                : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(Inputs[i], 0, rows * width), inputShape);
        }

        if (OutputValues.Length == 1)
        {
            long[] shape = _scalarOutput ? [] : _outputColumns == 0 ? [rows] : [rows, _outputColumns];
            var length = rows * Math.Max(1, _outputColumns);
            OutputValues[0] = DoubleOutput.Length > 0
                ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<double>(DoubleOutput, 0, length), shape)
                : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(Output, 0, length), shape);
        }

        if (Binding is not null)
        {
            Binding.ClearBoundInputs();
            Binding.ClearBoundOutputs();
            for (var i = 0; i < InputValues.Length; i++)
            {
                Binding.BindInput(_inputNames[i], InputValues[i]);
            }

            Binding.BindOutput(_outputName, OutputValues[0]);
        }

        _rows = rows;
    }

    /// <summary>Widens the first <paramref name="rows"/> rows of each float input into its float64 copy (exact); a no-op for a float32 model.</summary>
    public void Widen(int rows)
    {
        for (var i = 0; i < DoubleInputs.Length; i++)
        {
            var source = Inputs[i].AsSpan(0, rows * _inputWidths[i]);
            var target = DoubleInputs[i];
            for (var j = 0; j < source.Length; j++)
            {
                target[j] = source[j];
            }
        }
    }

    public void Dispose()
    {
        Binding?.Dispose();
        DisposeValues();
    }

    private void DisposeValues()
    {
        for (var i = 0; i < InputValues.Length; i++)
        {
            InputValues[i]?.Dispose();
            InputValues[i] = null!;
        }

        for (var i = 0; i < OutputValues.Length; i++)
        {
            OutputValues[i]?.Dispose();
            OutputValues[i] = null!;
        }

        _rows = 0;
    }
}
