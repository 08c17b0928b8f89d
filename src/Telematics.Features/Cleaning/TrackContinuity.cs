namespace Telematics.Features.Cleaning;

/// <summary>
/// Whether the step between two consecutive cleaned samples is travel. The cleaner passes on a step faster than a
/// vehicle goes only where it starts a new track (<see cref="SampleCleaningOptions.NewTrackFixCount"/>: the fixes before
/// were a short wrong track, such as two agreeing (0, 0) placeholders); derivation and trip segmentation treat such a
/// step as a gap, so that no speed, heading or trip distance is made of it.
/// </summary>
internal static class TrackContinuity
{
    /// <summary>Whether <paramref name="distanceM"/> covered in <paramref name="dtMs"/> is within the default jump test.</summary>
    /// <remarks>
    /// The defaults of <see cref="SampleCleaningOptions.MaxPlausibleSpeedMps"/> and
    /// <see cref="SampleCleaningOptions.JumpNoiseMarginM"/>: a cleaner with a looser test still has its steps up to
    /// 300 km/h counted as travel, and faster ones as gaps.
    /// </remarks>
    public static bool IsTravel(double distanceM, long dtMs) =>
        distanceM - SampleCleaningOptions.Default.JumpNoiseMarginM <= SampleCleaningOptions.Default.MaxPlausibleSpeedMps / 1000.0 * dtMs;
}
