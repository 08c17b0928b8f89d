using System.Globalization;
using System.Text;

namespace Telematics.Features.Imu.Ingest;

/// <summary>
/// Writes a recording as per-sensor loggers do — <c>accelerometer.csv</c>, <c>linear_acceleration.csv</c>,
/// <c>gyroscope.csv</c>, <c>magnetometer.csv</c>, each <c>time,x,y,z</c> with Unix (or monotonic) nanoseconds — so that
/// <see cref="ImuMapping.PerSensorFiles"/> reads it back. Sensors without readings get no file.
/// </summary>
public static class ImuLogWriter
{
    /// <summary>Writes the recording's files into <paramref name="directory"/> (created if needed).</summary>
    /// <param name="recording">The recording.</param>
    /// <param name="directory">Destination directory.</param>
    /// <param name="cancellationToken">Cancels between lines.</param>
    /// <returns>The file names written.</returns>
    public static async Task<IReadOnlyList<string>> WriteDirectoryAsync(ImuRecording recording, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var file in ImuMapping.PerSensorFiles(recording.Frame).Files)
        {
            if (file.Gps is not null)
            {
                if (recording.Gps.Count > 0)
                {
                    await WriteGpsAsync(recording.Gps, Path.Combine(directory, file.Name), cancellationToken).ConfigureAwait(false);
                    written.Add(file.Name);
                }

                continue;
            }

            var sensor = file.Accelerometer is not null ? ImuSensor.Accelerometer
                : file.LinearAcceleration is not null ? ImuSensor.LinearAcceleration
                : file.Gyroscope is not null ? ImuSensor.Gyroscope : ImuSensor.Magnetometer;
            var series = recording[sensor];
            if (series.Count == 0)
            {
                continue;
            }

            var writer = new StreamWriter(Path.Combine(directory, file.Name), append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
            await using (writer.ConfigureAwait(false))
            {
                await writer.WriteLineAsync("time,x,y,z").ConfigureAwait(false);
                var line = new StringBuilder(64);
                for (var i = 0; i < series.Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    line.Clear();
                    line.Append(CultureInfo.InvariantCulture, $"{series.TimeNs[i]},{series.X[i]:R},{series.Y[i]:R},{series.Z[i]:R}");
                    await writer.WriteLineAsync(line, cancellationToken).ConfigureAwait(false);
                }
            }

            written.Add(file.Name);
        }

        return written;
    }

    private static async Task WriteGpsAsync(GpsSeries gps, string path, CancellationToken cancellationToken)
    {
        var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteLineAsync("time,latitude,longitude,speed").ConfigureAwait(false);
            for (var i = 0; i < gps.Count; i++)
            {
                await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{gps.TimeNs[i]},{gps.LatitudeDeg[i]:F7},{gps.LongitudeDeg[i]:F7},{gps.SpeedMps[i]:F2}").AsMemory(), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
