using System.Security.Cryptography;

using Telematics.Features.Ingest.Binary;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;
using Telematics.Features.Schema;

namespace Telematics.Fuzz;

/// <summary>
/// The seeds that are generated rather than committed: a binary (TLMS) file of the CSV seed's samples, and a manifest
/// that matches <see cref="ManifestPackage.Model"/> (its SHA-256 depends on the model writer).
/// </summary>
public static class Seeds
{
    /// <summary>Writes the generated seeds into <paramref name="corpus"/> (a folder per target, as the committed corpus).</summary>
    /// <param name="corpus">The corpus root: <c>csv/basic.csv</c> is read from it.</param>
    public static async Task WriteAsync(string corpus)
    {
        var samples = new SampleBuffer();
        await using (var reader = CsvSampleReader.OpenFile(Path.Combine(corpus, "csv", "basic.csv")))
        {
            await reader.ReadToEndAsync(samples);
        }

        Directory.CreateDirectory(Path.Combine(corpus, "binary"));
        await using (var writer = BinarySampleWriter.FromStream(File.Create(Path.Combine(corpus, "binary", "basic.bin"))))
        {
            await writer.WriteAsync(samples);
            await writer.CompleteAsync();
        }

        Directory.CreateDirectory(Path.Combine(corpus, "manifest"));
        var features = TelematicsFeatures.Schema;
        await File.WriteAllTextAsync(Path.Combine(corpus, "manifest", "linear.json"), $$"""
            {
              "name": "fuzz-linear",
              "version": "1",
              "kind": "onnx",
              "file": "model.onnx",
              "sha256": "{{Convert.ToHexStringLower(SHA256.HashData(ManifestPackage.Model))}}",
              "feature_schema": { "name": "{{features.Name}}", "version": {{features.Version}} },
              "inputs": { "layout": "tensor", "tensor_name": "float_input", "features": ["{{features.Features[0].Name}}", "{{features.Features[1].Name}}", "{{features.Features[2].Name}}"] },
              "output": { "name": "variable", "kind": "score" },
              "calibration": { "kind": "linear", "scale": 10, "offset": 0 },
              "reference": { "{{features.Features[0].Name}}": 1.5 }
            }
            """);
    }
}
