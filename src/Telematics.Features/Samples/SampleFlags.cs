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
}
