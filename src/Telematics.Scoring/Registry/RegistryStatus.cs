namespace Telematics.Scoring.Registry;

/// <summary>
/// A readiness view of a <see cref="ModelRegistry"/> for a host's health endpoint: what is serving and what
/// went wrong on the last reload. Taken by <see cref="ModelRegistry.GetStatus"/>; immutable.
/// </summary>
/// <param name="IsReady"><see langword="true"/> when the default model (or the built-in one) resolves, so a request naming no model can be scored.</param>
/// <param name="Generation">The serving snapshot's generation (0 before the first directory load).</param>
/// <param name="Serving">Every served version, built-in first (see <see cref="ModelRegistry.Models"/>).</param>
/// <param name="LastReloadAt">When the last reload finished; <see langword="null"/> when the registry has no model directory.</param>
/// <param name="LastReloadFailures">Packages or alias files the last reload could not load (empty when it was clean).</param>
/// <param name="LastReloadError">The message of the last reload that threw (for example the directory vanished), cleared by the next successful reload.</param>
public sealed record RegistryStatus(
    bool IsReady,
    long Generation,
    IReadOnlyList<ModelInfo> Serving,
    DateTimeOffset? LastReloadAt,
    IReadOnlyList<RegistryLoadFailure> LastReloadFailures,
    string? LastReloadError);
