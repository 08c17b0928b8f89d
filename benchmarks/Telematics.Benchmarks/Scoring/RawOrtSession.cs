using Microsoft.ML.OnnxRuntime;

namespace Telematics.Benchmarks.Scoring;

/// <summary>
/// The raw-library baseline of the scoring benchmarks: a single-threaded <see cref="InferenceSession"/> on a
/// <c>float_input</c> [N, width] → <c>variable</c> [N, 1] model, called with preallocated, pinned OrtValues.
/// </summary>
internal sealed class RawOrtSession : IDisposable
{
    private static readonly string[] InputNames = ["float_input"];
    private static readonly string[] OutputNames = ["variable"];

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly OrtValue _inputValue;
    private readonly OrtValue _outputValue;
    private readonly OrtValue[] _inputValues;
    private readonly OrtValue[] _outputValues;

    public RawOrtSession(byte[] model, int batchSize, int width)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        _session = new InferenceSession(model, options);
        _input = GC.AllocateArray<float>(batchSize * width, pinned: true);
        _output = GC.AllocateArray<float>(batchSize, pinned: true);
        _inputValue = OrtValue.CreateTensorValueFromMemory(_input, [batchSize, width]);
        _outputValue = OrtValue.CreateTensorValueFromMemory(_output, [batchSize, 1]);
        _inputValues = [_inputValue];
        _outputValues = [_outputValue];
    }

    /// <summary>Copies <paramref name="rows"/> in, runs the session and returns the first output.</summary>
    public float Run(ReadOnlySpan<float> rows)
    {
        rows.CopyTo(_input);
        _session.Run(_runOptions, InputNames, _inputValues, OutputNames, _outputValues);
        return _output[0];
    }

    public void Dispose()
    {
        _inputValue.Dispose();
        _outputValue.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
