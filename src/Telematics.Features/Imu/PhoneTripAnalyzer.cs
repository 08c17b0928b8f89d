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
    /// <exception cref="ArgumentException">The recording lacks a sensor the chain needs or is longer than 24 h.</exception>
    public void Analyze(ImuRecording recording, List<Manoeuvre> manoeuvres, List<PhoneHandling>? handling = null)
    {
        ArgumentNullException.ThrowIfNull(manoeuvres);
        manoeuvres.Clear();
        _frame.Estimate(recording, Motion, handling);
        _detector.Detect(Motion, manoeuvres);
    }
}
