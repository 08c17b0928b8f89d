using Telematics.Scoring.Packaging;

namespace Telematics.Scoring.Registry;

/// <summary>A package held by the registry with a reference count: one for the registry while it serves it, one per lease.</summary>
internal sealed class LoadedModel
{
    private int _references = 1;

    public LoadedModel(ModelPackage package, DateTimeOffset loadedAt, string fingerprint)
    {
        Package = package;
        LoadedAt = loadedAt;
        Fingerprint = fingerprint;
    }

    public ModelPackage Package { get; }

    public DateTimeOffset LoadedAt { get; }

    /// <summary>Identifies the files it was loaded from; an unchanged fingerprint is not reloaded.</summary>
    public string Fingerprint { get; }

    /// <summary>Takes a reference unless the model has already been drained and disposed.</summary>
    public bool TryAddReference()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Drops a reference; the last one disposes the package.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Package.Dispose();
        }
    }
}
