using System.Text;
using Telematics.Features.Ingest.Text;

namespace Telematics.Features.Samples;

/// <summary>
/// The 3-bit tag that <see cref="SampleFlags"/> carry for a source's trip id, so the trip segmenter can end a trip where
/// the id changes without keeping the id itself per sample.
/// </summary>
/// <remarks>
/// <para>
/// The tag comes from the id's value alone, not from counting changes, so it is the same whatever the chunking, the
/// upload or request boundaries, or the records the cleaner dropped. An id that reads as an integer (ASCII digits with
/// an optional sign, within 64 bits; surrounding spaces ignored, so <c>5</c>, <c>"5"</c> and <c>"005"</c> agree) gives
/// its value mod 8, taken non-negative: consecutive integer ids, as most sources number trips, always differ. Any other
/// text gives the top three bits of its 32-bit FNV-1a hash over the trimmed UTF-8 bytes (offset basis 2166136261, prime
/// 16777619); the top bits because FNV-1a's low bits depend only on the low bits of each byte.
/// </para>
/// <para>
/// Two different text ids therefore share a tag with probability 1/8, and integer ids that differ by a multiple of 8
/// always do: a change between them is not seen, and only the gap and stationary rules part those trips. A source
/// whose consecutive trips are a gap or a stop apart loses nothing by it.
/// </para>
/// </remarks>
public static class TripTag
{
    private const int Shift = 4;

    /// <summary>The flags that mark a sample of trip <paramref name="id"/>: <see cref="SampleFlags.TripIdKnown"/> and the id's tag.</summary>
    /// <param name="id">The source's trip id.</param>
    /// <returns>Flags to combine (<c>|</c>) with the sample's other flags.</returns>
    public static SampleFlags FromId(long id) => Make((int)(id & 7));

    /// <summary>The flags that mark a sample of the trip with this id text; see the remarks for integer text.</summary>
    /// <param name="utf8Id">The id as UTF-8; ASCII spaces and tabs at either end are not part of it.</param>
    /// <returns>
    /// <see cref="SampleFlags.TripIdKnown"/> and the id's tag, or <see cref="SampleFlags.None"/> when the text is empty
    /// or blank (no id).
    /// </returns>
    public static SampleFlags FromId(ReadOnlySpan<byte> utf8Id)
    {
        var text = Utf8Numbers.Trim(utf8Id);
        if (text.IsEmpty)
        {
            return SampleFlags.None;
        }

        if (IsInteger(text) && Utf8Numbers.TryParseInt64(text, out var value))
        {
            return FromId(value);
        }

        var hash = 2166136261u;
        foreach (var b in text)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return Make((int)(hash >> 29));
    }

    /// <summary>The flags that mark a sample of the trip with this id text; see <see cref="FromId(ReadOnlySpan{byte})"/>.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The id's flags, or <see cref="SampleFlags.None"/> when it is empty or blank.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    public static SampleFlags FromId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return FromId(Encoding.UTF8.GetBytes(id));
    }

    /// <summary>Reads the trip tag of a sample's flags.</summary>
    /// <param name="flags">The sample's flags.</param>
    /// <param name="tag">The tag, 0–7, when the trip id is known; 0 otherwise.</param>
    /// <returns>Whether <see cref="SampleFlags.TripIdKnown"/> is set.</returns>
    public static bool TryGet(SampleFlags flags, out int tag)
    {
        tag = ((int)flags & (int)SampleFlags.TripTagMask) >> Shift;
        return (flags & SampleFlags.TripIdKnown) != 0;
    }

    /// <summary>True when both samples name their trip and the tags differ: they belong to different trips.</summary>
    internal static bool Differ(SampleFlags a, SampleFlags b)
    {
        const SampleFlags Trip = SampleFlags.TripIdKnown | SampleFlags.TripTagMask;
        return (a & b & SampleFlags.TripIdKnown) != 0 && ((a ^ b) & Trip) != 0;
    }

    private static SampleFlags Make(int tag) => SampleFlags.TripIdKnown | (SampleFlags)(tag << Shift);

    // ASCII digits with an optional sign, so the integer rule is exactly the documented one whatever the parser accepts.
    private static bool IsInteger(ReadOnlySpan<byte> text)
    {
        var digits = text[0] is (byte)'-' or (byte)'+' ? text[1..] : text;
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }
}
