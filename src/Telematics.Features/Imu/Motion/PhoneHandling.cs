namespace Telematics.Features.Imu.Motion;

/// <summary>A span in which the phone turned relative to the vehicle: picked up, used, or moved to another place.</summary>
/// <param name="StartNs">Start, nanoseconds on the recording's clock.</param>
/// <param name="EndNs">End, nanoseconds on the recording's clock.</param>
/// <param name="PeakRotationRadS">Largest rotation rate of the phone relative to the vehicle (about horizontal axes) in the span.</param>
/// <param name="Remounted">
/// The phone came to rest in another orientation (device frame only: the vertical moved in its axes); the vehicle
/// frame was estimated afresh after it. Always <see langword="false"/> for Earth-frame input, where it cannot be told.
/// </param>
/// <param name="Moving">
/// Whether the vehicle was moving (a GPS fix in the span at 2 m/s or more); <see langword="null"/> without GPS fixes in
/// the span, where the motion sensors alone cannot tell a stop at the lights from steady driving.
/// </param>
public readonly record struct PhoneHandling(long StartNs, long EndNs, float PeakRotationRadS, bool Remounted, bool? Moving);
