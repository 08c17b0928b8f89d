namespace Telematics.Scoring.Registry;

/// <summary>What one reload of the registry did.</summary>
/// <param name="Generation">The registry generation after the reload (increases by one per reload).</param>
/// <param name="Loaded">Versions newly loaded (<c>name@version</c>).</param>
/// <param name="Unchanged">Versions whose files had not changed and were kept.</param>
/// <param name="Removed">Versions no longer on disk, retired once their leases drain.</param>
/// <param name="Failures">Packages or alias files that failed, each with its path and message; what was serving stays.</param>
public sealed record RegistryReloadResult(long Generation, IReadOnlyList<string> Loaded, int Unchanged, IReadOnlyList<string> Removed, IReadOnlyList<RegistryLoadFailure> Failures);

/// <summary>A package or alias file the registry could not load.</summary>
/// <param name="Path">The folder, .zip or aliases.json.</param>
/// <param name="Message">What was wrong.</param>
public sealed record RegistryLoadFailure(string Path, string Message);
