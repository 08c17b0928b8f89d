using Telematics.Features.Ingest.Text;

namespace Telematics.Features.Ingest.Csv;

/// <summary>
/// A driver name's 64-bit key (FNV-1a of the trimmed UTF-8 text, never 0), so that a reader can tell a record of another
/// driver without keeping each record's text.
/// </summary>
internal static class DriverKey
{
    /// <summary>The key of <paramref name="utf8Name"/>; 0 when the name is blank (no driver named).</summary>
    public static ulong Of(ReadOnlySpan<byte> utf8Name)
    {
        var text = Utf8Numbers.Trim(utf8Name);
        if (text.IsEmpty)
        {
            return 0;
        }

        // 0 means "no driver named": two names whose hashes differ only in the lowest bit become one key, 1 in 2^63.
        return Fnv1a.Hash(text) | 1;
    }
}
