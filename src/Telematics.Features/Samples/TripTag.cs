using System.Text;
using Telematics.Features.Ingest.Text;

namespace Telematics.Features.Samples;

/// <summary>
/// The 2-bit tag that <see cref="SampleFlags"/> carry for a source's trip id, so the trip segmenter can end a trip where
/// the id changes without keeping the id itself per sample.
/// </summary>
/// <remarks>
/// <para>
/// Within one read (a file, an upload) a reader compares each record's whole id with the previous record's and marks
/// the first record of a new id with <see cref="SampleFlags.TripIdChanged"/>: that cut is exact. The tag is for what one
/// read cannot see, a trip that begins with the first record of the next upload. It comes from the id's value alone, not
/// from counting changes, so it is the same whatever the chunking, the upload or request boundaries, or the records the
/// cleaner dropped. An id that reads as an integer (ASCII digits with an optional sign and an optional fraction of zeros,
/// within 64 bits; surrounding spaces ignored, so <c>5</c>, <c>"5"</c>, <c>"005"</c> and <c>5.0</c> agree) gives its
/// value mod 4, taken non-negative:
/// consecutive integer ids, as most sources number trips, always differ. Any other text gives the top two bits of its
/// 64-bit FNV-1a hash over the trimmed bytes as read (UTF-8, or a CSV mapping's single-byte encoding; offset basis
/// 14695981039346656037, prime 1099511628211) passed through MurmurHash3's 64-bit finaliser (fmix64): FNV-1a alone leaves its top bits nearly blind to the last byte, so
/// <c>trip-a</c> and <c>trip-b</c> would share a tag.
/// </para>
/// <para>
/// Across reads, two different text ids therefore share a tag with probability 1/4, and integer ids that differ by a
/// multiple of 4 always do: such a change is not seen there, and only the gap and stationary rules part those trips.
/// Within a read the same happens only when cleaning drops the first record of the new id.
/// </para>
/// </remarks>
public static class TripTag
{
    private const int Shift = 4;

    /// <summary>The flags that mark a sample of trip <paramref name="id"/>: <see cref="SampleFlags.TripIdKnown"/> and the id's tag.</summary>
    /// <param name="id">The source's trip id.</param>
    /// <returns>Flags to combine (<c>|</c>) with the sample's other flags.</returns>
    public static SampleFlags FromId(long id) => Make((int)(id & 3));

    /// <summary>The flags that mark a sample of the trip with this id text; see the remarks for integer text.</summary>
    /// <param name="utf8Id">The id as UTF-8; ASCII spaces and tabs at either end are not part of it.</param>
    /// <returns>
    /// <see cref="SampleFlags.TripIdKnown"/> and the id's tag, or <see cref="SampleFlags.None"/> when the text is empty
    /// or blank (no id).
    /// </returns>
    public static SampleFlags FromId(ReadOnlySpan<byte> utf8Id) => FromId(utf8Id, out _);

    /// <summary>The id's flags and its key: the integer's value, or the text's 64-bit hash, which a reader compares between records.</summary>
    internal static SampleFlags FromId(ReadOnlySpan<byte> utf8Id, out ulong key)
    {
        key = 0;
        var text = Utf8Numbers.Trim(utf8Id);
        if (text.IsEmpty)
        {
            return SampleFlags.None;
        }

        if (IntegerPart(text) is { IsEmpty: false } integer && Utf8Numbers.TryParseInt64(integer, out var value))
        {
            key = (ulong)value;
            return FromId(value);
        }

        var hash = Fnv1a.Hash(text);
        key = hash;
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCDul;
        hash ^= hash >> 33;
        hash *= 0xC4CEB9FE1A85EC53ul;
        hash ^= hash >> 33;
        return Make((int)(hash >> 62));
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
    /// <param name="tag">The tag, 0–3, when the trip id is known; 0 otherwise.</param>
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

    /// <summary>True when a reader marked the sample as the first of a new trip id (and it names one).</summary>
    internal static bool MarksChange(SampleFlags flags)
    {
        const SampleFlags Marked = SampleFlags.TripIdKnown | SampleFlags.TripIdChanged;
        return (flags & Marked) == Marked;
    }

    private static SampleFlags Make(int tag) => SampleFlags.TripIdKnown | (SampleFlags)(tag << Shift);

    // ASCII digits with an optional sign and an optional fraction of zeros (pandas writes a nullable integer column as
    // 3.0), so the integer rule is exactly the documented one whatever the parser accepts; empty when it is not one.
    private static ReadOnlySpan<byte> IntegerPart(ReadOnlySpan<byte> text)
    {
        var point = text.IndexOf((byte)'.');
        if (point >= 0 && (point == text.Length - 1 || text[(point + 1)..].ContainsAnyExcept((byte)'0')))
        {
            return default;
        }

        var integer = point >= 0 ? text[..point] : text;
        var digits = !integer.IsEmpty && integer[0] is (byte)'-' or (byte)'+' ? integer[1..] : integer;
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9') ? integer : default;
    }
}
