namespace Telematics.Features.Samples;

/// <summary>Boolean observations attached to a sample, one byte per sample.</summary>
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
}
