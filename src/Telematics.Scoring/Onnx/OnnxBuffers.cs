using Microsoft.ML.OnnxRuntime;

namespace Telematics.Scoring.Onnx;

/// <summary>
/// One caller's reusable input/output memory for an ONNX session: pinned arrays sized for the maximum batch
/// and the OrtValues over them, recreated only when the row count changes. A float-tensor output is bound
/// through an <see cref="OrtIoBinding"/> so that a run allocates nothing.
/// </summary>
internal sealed class OnnxBuffers : IDisposable
{
    private readonly int[] _inputWidths;
    private readonly int _outputColumns;
    private readonly string[] _inputNames;
    private readonly string _outputName;
    private int _rows;

    public OnnxBuffers(InferenceSession session, string[] inputNames, int[] inputWidths, string outputName, int outputColumns, int maxRows, bool preallocateOutput)
    {
        _inputNames = inputNames;
        _outputName = outputName;
        _inputWidths = inputWidths;
        _outputColumns = outputColumns;
        Inputs = new float[inputWidths.Length][];
        for (var i = 0; i < inputWidths.Length; i++)
        {
            Inputs[i] = GC.AllocateUninitializedArray<float>(maxRows * inputWidths[i], pinned: true);
        }

        InputValues = new OrtValue[inputWidths.Length];
        // A rank-1 output [N] has Columns 0 but still one value per row.
        Output = preallocateOutput ? GC.AllocateUninitializedArray<float>(maxRows * Math.Max(1, outputColumns), pinned: true) : [];
        OutputValues = preallocateOutput ? new OrtValue[1] : [];
        Binding = preallocateOutput ? session.CreateIoBinding() : null;
    }

    /// <summary>Inputs and the output bound for <see cref="InferenceSession.RunWithBinding(RunOptions, OrtIoBinding)"/>; null when outputs are not preallocated.</summary>
    public OrtIoBinding? Binding { get; }

    /// <summary>Input arrays, one per ONNX input, row-major.</summary>
    public float[][] Inputs { get; }

    /// <summary>OrtValues over <see cref="Inputs"/> for the current row count.</summary>
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
            InputValues[i] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(Inputs[i], 0, rows * width), [rows, width]);
        }

        if (OutputValues.Length == 1)
        {
            long[] shape = _outputColumns == 0 ? [rows] : [rows, _outputColumns];
            OutputValues[0] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(Output, 0, rows * Math.Max(1, _outputColumns)), shape);
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
