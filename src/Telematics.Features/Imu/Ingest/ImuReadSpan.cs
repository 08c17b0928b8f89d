namespace Telematics.Features.Imu.Ingest;

/// <summary>
/// The readings one file added to one series of a recording (<see cref="Gps"/> for the GPS fixes), kept until
/// <see cref="ImuLogReader.Complete"/> judges the recording as a whole: a file alone cannot tell its clock's unit or
/// whether its accelerometer holds gravity.
/// </summary>
/// <param name="File">The file's name in the mapping.</param>
/// <param name="TimeColumn">The column its times came from.</param>
/// <param name="Series">The <see cref="ImuSensor"/>, or <see cref="Gps"/>.</param>
/// <param name="Start">Index of the first reading the file added.</param>
/// <param name="Count">Readings the file added.</param>
/// <param name="Scale">Non-zero when the times are numbers of a unit still to be told (units of 1/this of the raw number); 0 when they are nanoseconds.</param>
internal readonly record struct ImuReadSpan(string File, string TimeColumn, int Series, int Start, int Count, long Scale)
{
    /// <summary>The series number of GPS fixes (0–3 are the <see cref="ImuSensor"/> values).</summary>
    public const int Gps = 4;
}
