using Telematics.Features.Imu.Manoeuvres;

namespace Telematics.Training.Synthetic.Phone;

/// <summary>A manoeuvre the simulated vehicle made: an aggressive one with the kind a detector should report, or a calm one it must not.</summary>
/// <param name="Kind">The kind to detect, or <see langword="null"/> for a calm manoeuvre (gentle stop, normal turn, gentle lane change).</param>
/// <param name="Name">What the vehicle did, e.g. <c>gentle stop</c>.</param>
/// <param name="StartNs">Start, nanoseconds since the Unix epoch.</param>
/// <param name="EndNs">End, nanoseconds since the Unix epoch.</param>
/// <param name="PeakMps2">Peak acceleration of the manoeuvre along its axis, m/s².</param>
public readonly record struct LabelledManoeuvre(ManoeuvreKind? Kind, string Name, long StartNs, long EndNs, float PeakMps2);
