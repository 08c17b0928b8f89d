using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Telematics.Api.Tests.Infrastructure;

/// <summary>A temporary model directory holding rules packages (<c>&lt;dir&gt;/&lt;name&gt;/&lt;version&gt;/</c>) for the registry.</summary>
internal sealed class ModelDirectory : IDisposable
{
    public ModelDirectory()
    {
        Root = Path.Combine(Path.GetTempPath(), "telematics-api-models-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Writes a rules package whose intercept is <paramref name="intercept"/> (different intercepts give different scores).</summary>
    /// <param name="name">The model name.</param>
    /// <param name="version">The version.</param>
    /// <param name="intercept">The rules' intercept.</param>
    /// <param name="outputKind">The manifest's <c>output.kind</c> (e.g. <c>frequency</c>); null to leave the default.</param>
    public ModelDirectory WriteRules(string name, string version, double intercept, string? outputKind = null)
    {
        var dir = Path.Combine(Root, name, version);
        Directory.CreateDirectory(dir);
        var rules = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$"""{"intercept": {{intercept:R}}, "weights": [{"feature": "night_share", "weight": 2.0, "reference": 0.1, "cap": 0.5}]}"""));
        File.WriteAllBytes(Path.Combine(dir, "rules.json"), rules);
        File.WriteAllText(Path.Combine(dir, "manifest.json"), $$"""
            {"name": "{{name}}", "version": "{{version}}", "kind": "rules", "file": "rules.json",
             "sha256": "{{Convert.ToHexStringLower(SHA256.HashData(rules))}}",
             "feature_schema": {"name": "telematics", "version": 1}{{(outputKind is null ? "" : $", \"output\": {{\"kind\": \"{outputKind}\"}}")}} }
            """);
        return this;
    }

    public ModelDirectory WriteAliases(string name, string json)
    {
        File.WriteAllText(Path.Combine(Root, name, "aliases.json"), json);
        return this;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A watcher still holding the folder; the OS cleans the temp folder.
        }
    }
}
