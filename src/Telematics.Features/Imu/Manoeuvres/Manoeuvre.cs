namespace Telematics.Features.Imu.Manoeuvres;

/// <summary>One detected manoeuvre.</summary>
/// <param name="Kind">What it was.</param>
/// <param name="StartNs">Start (the acceleration passed half the threshold), nanoseconds on the recording's clock.</param>
/// <param name="EndNs">End, nanoseconds on the recording's clock.</param>
/// <param name="PeakNs">Time of the largest acceleration.</param>
/// <param name="PeakMps2">Largest magnitude of the acceleration that defines the kind (longitudinal or lateral), m/s².</param>
/// <param name="Severity">Peak over the kind's threshold: 1 is just harsh, 1.5 half as hard again.</param>
public readonly record struct Manoeuvre(ManoeuvreKind Kind, long StartNs, long EndNs, long PeakNs, float PeakMps2, float Severity)
{
    /// <summary>Duration in seconds.</summary>
    public double DurationSeconds => (EndNs - StartNs) / 1e9;
}
