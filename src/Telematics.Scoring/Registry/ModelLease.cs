using Telematics.Scoring.Packaging;

namespace Telematics.Scoring.Registry;

/// <summary>
/// A model version held for the duration of a score: while any lease is open the version is not disposed,
/// even if the registry has swapped in another. Dispose exactly once.
/// </summary>
public readonly struct ModelLease : IDisposable
{
    private readonly LoadedModel? _model;

    internal ModelLease(LoadedModel model) => _model = model;

    /// <summary>The leased package.</summary>
    /// <exception cref="InvalidOperationException">The lease is default (not acquired).</exception>
    public ModelPackage Package => _model?.Package ?? throw new InvalidOperationException("The lease holds no model.");

    /// <summary>When the registry loaded this version.</summary>
    public DateTimeOffset LoadedAt => _model?.LoadedAt ?? default;

    /// <summary>Releases the lease; the last release of a retired version disposes it.</summary>
    public void Dispose() => _model?.Release();
}
