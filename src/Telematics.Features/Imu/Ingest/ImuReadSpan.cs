namespace Telematics.Features.Imu.Ingest;

/// <summary>
/// The readings one file added to one series of a recording (<see cref="Gps"/> for the GPS fixes), kept until
/// <see cref="ImuLogReader.Complete"/> judges the recording as a whole: a file alone cannot tell its clock's unit or
/// whether its accelerometer holds gravity.
/// </summary>
internal readonly record struct ImuReadSpan(string File, string TimeColumn, int Series, int Start, int Count)
{
    /// <summary>The series number of GPS fixes (0–3 are the <see cref="ImuSensor"/> values).</summary>
    public const int Gps = 4;
}
