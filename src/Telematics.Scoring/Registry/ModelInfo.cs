using Telematics.Scoring.Packaging;

namespace Telematics.Scoring.Registry;

/// <summary>A version the registry serves.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="Kind">Runtime kind.</param>
/// <param name="Aliases">Aliases that point at this version.</param>
/// <param name="LoadedAt">When it was loaded.</param>
/// <param name="Source">The folder or .zip it was loaded from (<c>builtin</c> for the built-in model).</param>
/// <param name="Sha256">SHA-256 of its model file.</param>
/// <param name="ReferenceScore">Score of its reference row.</param>
public sealed record ModelInfo(string Name, string Version, ModelKind Kind, IReadOnlyList<string> Aliases, DateTimeOffset LoadedAt, string Source, string Sha256, double ReferenceScore);
