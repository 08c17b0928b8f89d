using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telematics.Benchmarks.Gate;

/// <summary>
/// One gated figure of <c>benchmarks/gates.json</c>: two methods of a BenchmarkDotNet class (or one, for an allocation
/// bound) measured in the same process, and the bound their ratio, difference or allocation must keep.
/// </summary>
/// <remarks>
/// Kinds: <c>ratio</c> (candidate time / baseline time, per invoke), <c>difference</c> (candidate − baseline, µs per
/// operation), <c>allocation</c> (bytes the candidate allocates per invoke). A new gate over an existing benchmark class
/// is a new entry here, nothing else.
/// </remarks>
public sealed class GateDefinition
{
    /// <summary>Stable name of the gate, e.g. <c>onnx-sdk-vs-ort-1024</c>; the history's key.</summary>
    public required string Id { get; init; }

    /// <summary>The benchmark class's name (e.g. <c>OnnxScoringBenchmarks</c>).</summary>
    public required string Class { get; init; }

    /// <summary>Values of the class's <c>[Params]</c> properties, by name.</summary>
    public Dictionary<string, JsonElement> Params { get; init; } = [];

    /// <summary>The method measured.</summary>
    public required string Candidate { get; init; }

    /// <summary>The method it is compared with (same class and parameters); none for an allocation bound.</summary>
    public string? Baseline { get; init; }

    /// <summary><c>ratio</c>, <c>difference</c> or <c>allocation</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The figure must be at most this.</summary>
    public double? Max { get; init; }

    /// <summary>The figure must be at least this.</summary>
    public double? Min { get; init; }

    /// <summary>Why the bound is what it is, in one line.</summary>
    public required string Reason { get; init; }

    /// <summary>Reads <c>gates.json</c> (an object with a <c>gates</c> array), checking every entry.</summary>
    /// <exception cref="InvalidDataException">An entry is incomplete or inconsistent; the message names it.</exception>
    public static IReadOnlyList<GateDefinition> Load(string path)
    {
        var file = JsonSerializer.Deserialize<GateFile>(File.ReadAllText(path), Options)
            ?? throw new InvalidDataException($"{path}: no gates");
        foreach (var gate in file.Gates)
        {
            var problem = gate.Kind switch
            {
                "ratio" or "difference" when gate.Baseline is null => "needs a baseline",
                "ratio" or "difference" or "allocation" => null,
                _ => $"kind '{gate.Kind}' is not ratio, difference or allocation",
            } ?? (gate.Max is null && gate.Min is null ? "needs max or min" : null);
            if (problem is not null)
            {
                throw new InvalidDataException($"{path}: gate '{gate.Id}' {problem}");
            }
        }

        return file.Gates;
    }

    internal static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed class GateFile
    {
        public List<GateDefinition> Gates { get; init; } = [];
    }
}
