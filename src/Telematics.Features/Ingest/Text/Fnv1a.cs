namespace Telematics.Features.Ingest.Text;

/// <summary>FNV-1a, 64-bit: a text id's key, so that readers compare ids between records without keeping their text.</summary>
internal static class Fnv1a
{
    /// <summary>The 64-bit FNV-1a hash of <paramref name="bytes"/> (offset basis 14695981039346656037, prime 1099511628211).</summary>
    public static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037ul;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211ul;
        }

        return hash;
    }
}
