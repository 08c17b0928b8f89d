using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Imu.Motion;

namespace Telematics.Features.Imu;

/// <summary>
/// The whole phone chain in one call: a recording in any mounting or the Earth frame → the vehicle's motion → its
/// manoeuvres and the spans the phone was handled in. Reuse one per thread: after its buffers have grown to the longest
/// recording it allocates nothing (the caller's lists included, once they have the capacity).
/// </summary>
public sealed class PhoneTripAnalyzer
{
    private readonly VehicleFrameEstimator _frame;
    private readonly ManoeuvreDetector _detector;
    private readonly List<Manoeuvre> _manoeuvres = [];
    private readonly List<PhoneHandling> _handling = [];

    /// <summary>Creates an analyzer.</summary>
    /// <param name="frameOptions">Frame estimation options; default <see cref="VehicleFrameOptions"/>.</param>
    /// <param name="detectionOptions">Thresholds; default <see cref="ManoeuvreDetectionOptions"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public PhoneTripAnalyzer(VehicleFrameOptions? frameOptions = null, ManoeuvreDetectionOptions? detectionOptions = null)
    {
        _frame = new VehicleFrameEstimator(frameOptions);
        _detector = new ManoeuvreDetector(detectionOptions);
    }

    /// <summary>The vehicle motion of the last recording analysed.</summary>
    public VehicleMotion Motion { get; } = new();

    /// <summary>Analyses one recording.</summary>
    /// <param name="recording">Phone readings (accelerometer or linear acceleration, and gyroscope).</param>
    /// <param name="manoeuvres">Cleared and filled with the manoeuvres in time order.</param>
    /// <param name="handling">Cleared and filled with the handling spans (distraction evidence), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The recording lacks a sensor the chain needs, is longer than 24 h, or was read file by file and not completed (<see cref="Ingest.ImuLogReader.Complete"/>).</exception>
    public void Analyze(ImuRecording recording, List<Manoeuvre> manoeuvres, List<PhoneHandling>? handling = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(manoeuvres);
        if (recording.Unfinished.Count > 0)
        {
            // Its times may still be numbers of a unit not yet told, and its gravity and clock are unchecked.
            throw new ArgumentException("the recording was read file by file but not completed: call ImuLogReader.Complete after its last file", nameof(recording));
        }

        manoeuvres.Clear();
        _frame.Estimate(recording, Motion, handling);
        _detector.Detect(Motion, manoeuvres);
    }

    /// <summary>
    /// Analyses one recording and adds what it tells the trips to <paramref name="evidence"/>: the spans the motion sensors
    /// could score, the manoeuvres found in them and the spans the phone was handled in — <see cref="Analyze"/> then
    /// <see cref="ImuTripEvidence.Add"/>, with lists the analyzer keeps for reuse.
    /// </summary>
    /// <param name="recording">Phone readings (accelerometer or linear acceleration, and gyroscope).</param>
    /// <param name="evidence">Where the recording goes; it must not start before the end of a recording added to it earlier.</param>
    /// <param name="unixOffsetNs">
    /// Nanoseconds added to the recording's clock to get Unix time: 0 when its times are Unix epoch times
    /// (<see cref="ImuRecording.IsEpochTime"/>); the boot time in Unix nanoseconds for a monotonic clock.
    /// </param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// The recording lacks a sensor the chain needs, is longer than 24 h, or starts before the end of a recording added to
    /// <paramref name="evidence"/> earlier; nothing is added then.
    /// </exception>
    public void AnalyzeInto(ImuRecording recording, ImuTripEvidence evidence, long unixOffsetNs)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(evidence);
        Analyze(recording, _manoeuvres, _handling);
        evidence.Add(Motion, _manoeuvres, _handling, unixOffsetNs);
    }
}
