using Telematics.Features.Imu;

namespace Telematics.Training.Synthetic.Phone;

/// <summary>A simulated phone recording with its ground truth.</summary>
public sealed class SimulatedPhoneTrip
{
    internal SimulatedPhoneTrip(ImuRecording recording, IReadOnlyList<LabelledManoeuvre> manoeuvres, IReadOnlyList<(long StartNs, long EndNs)> handling, string mountingDescription)
    {
        Recording = recording;
        Manoeuvres = manoeuvres;
        Handling = handling;
        MountingDescription = mountingDescription;
    }

    /// <summary>The phone's readings (accelerometer, gyroscope, and in the Earth frame linear acceleration).</summary>
    public ImuRecording Recording { get; }

    /// <summary>Every manoeuvre the vehicle made, aggressive (with a kind) and calm (without), in time order.</summary>
    public IReadOnlyList<LabelledManoeuvre> Manoeuvres { get; }

    /// <summary>When the phone was handled or moved, nanoseconds since the Unix epoch.</summary>
    public IReadOnlyList<(long StartNs, long EndNs)> Handling { get; }

    /// <summary>The drawn orientation(s), e.g. <c>pocket: tilt 168°, spin 40°, yaw 250°</c>.</summary>
    public string MountingDescription { get; }
}
