namespace Telematics.Features.Samples;

/// <summary>Boolean observations attached to a sample, one byte per sample.</summary>
/// <remarks>
/// Bits 1, 2 and 4 are phone use; 8 and 16|32|64 say which of the source's trips the sample belongs to (see
/// <see cref="TripTag"/>); 128 is free.
/// </remarks>
[Flags]
public enum SampleFlags : byte
{
    /// <summary>No flag is set.</summary>
    None = 0,

    /// <summary>The phone was held in the hand (not in a mount) at this sample.</summary>
    PhoneHandheld = 1,

    /// <summary>The screen was being used (typing, tapping, scrolling) at this sample.</summary>
    PhoneInteraction = 2,

    /// <summary>
    /// The source does not record phone use at this sample (a black box or OBD dongle, a file without the phone columns):
    /// <see cref="PhoneHandheld"/> and <see cref="PhoneInteraction"/> unset then mean "not known", not "not used". Time
    /// with this flag is left out of the phone features, which are missing when no phone use was recorded at all.
    /// </summary>
    PhoneUnknown = 4,

    /// <summary>
    /// The source names the trip this sample belongs to (a trip id column or field); <see cref="TripTagMask"/> then holds
    /// the id's tag, and a change of tag between samples ends the trip (see <see cref="TripTag"/>).
    /// </summary>
    TripIdKnown = 8,

    /// <summary>
    /// The two bits (16, 32) holding the trip id's tag, 0–3, when <see cref="TripIdKnown"/> is set; zero otherwise.
    /// Not a flag of its own: read it with <see cref="TripTag.TryGet"/>.
    /// </summary>
    TripTagMask = 48,

    /// <summary>
    /// Set by a reader on the first record whose trip id differs from that of the record before it with an id, in the
    /// same read: the exact cut, which the tag (shared by different ids) cannot always see. It ends the trip as a change
    /// of tag does. Across reads (another upload, another file) only the tag tells trips apart.
    /// </summary>
    TripIdChanged = 64,
}
